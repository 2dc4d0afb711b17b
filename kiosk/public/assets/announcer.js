// Hall-board announcements: a short two-tone chime synthesised with WebAudio and,
// optionally, the call spoken with speechSynthesis. Announcements are queued and played
// one at a time, so two calls never overlap: the next starts only after the previous
// chime has rung out and its last utterance has ended (`onend`), with a time-out in case
// a speech engine never reports the end.
import { t } from './i18n.js';

/** Seconds: the chime's first tone, the gap before the second, the second's length. */
const TONE_1 = { freq: 880, start: 0, length: 0.55 }; // A5
const TONE_2 = { freq: 659.25, start: 0.32, length: 0.9 }; // E5
const CHIME_MS = 1300;
const SPEECH_TIMEOUT_MS = 15_000;

export class Announcer {
  /**
   * @param {{chime?: boolean, speak?: 'off' | 'en' | 'sw' | 'both'}} options
   */
  constructor(options = {}) {
    this.chimeOn = options.chime !== false;
    this.speak = options.speak ?? 'off';
    this.queue = [];
    this.playing = false;
    this.context = null;
    /** Called with the announcement being played (tests and the page may watch it). */
    this.onannounce = null;
  }

  /**
   * Makes an AudioContext. Outside a user gesture the browser keeps it suspended
   * (autoplay policy); `soundAllowed` tells whether sound can play now.
   */
  prepare() {
    if (this.context || !this.chimeOn) return;
    // Safari before 14.1 only has the prefixed constructor.
    const AudioContextClass = window.AudioContext || /** @type {{ webkitAudioContext?: typeof AudioContext }} */ (/** @type {unknown} */ (window)).webkitAudioContext;
    if (!AudioContextClass) return;
    try {
      this.context = new AudioContextClass();
    } catch {
      this.context = null;
    }
  }

  get soundAllowed() {
    return !this.chimeOn || (this.context !== null && this.context.state === 'running');
  }

  /** From a click or key press: resumes audio (and primes speech, which wants a gesture too). */
  async unlock() {
    this.prepare();
    try {
      await this.context?.resume();
    } catch {
      // Still blocked: the overlay stays.
    }
    if (this.speak !== 'off' && 'speechSynthesis' in window) {
      // A silent utterance inside the gesture lets later calls speak in Chromium.
      const primer = new SpeechSynthesisUtterance(' ');
      primer.volume = 0;
      window.speechSynthesis.speak(primer);
    }
    return this.soundAllowed;
  }

  /** Queues one call: {number, counterLabel, calls}; `{number: null}` rings the chime alone. */
  announce(call) {
    this.queue.push(call);
    if (!this.playing) void this.#drain();
  }

  async #drain() {
    this.playing = true;
    try {
      while (this.queue.length) {
        const call = this.queue.shift();
        try {
          this.onannounce?.(call);
        } catch {
          // An observer's bug must not stop announcements.
        }
        await this.#chime();
        for (const utterance of this.#utterances(call)) await this.#say(utterance);
      }
    } finally {
      this.playing = false;
    }
  }

  #chime() {
    const context = this.context;
    if (!this.chimeOn || !context || context.state !== 'running') return Promise.resolve();
    const now = context.currentTime + 0.02;
    for (const tone of [TONE_1, TONE_2]) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = tone.freq;
      const start = now + tone.start;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone.length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + tone.length + 0.05);
    }
    return new Promise((resolve) => setTimeout(resolve, CHIME_MS));
  }

  /** What to say for a call, per the `speak` setting and the voices this browser has. */
  #utterances(call) {
    if (!call.number || this.speak === 'off' || !('speechSynthesis' in window)) return [];
    const spoken = spokenNumber(call.number);
    const counter = String(call.counterLabel ?? '');
    const voices = window.speechSynthesis.getVoices();
    const voiceFor = (lang) => voices.find((voice) => voice.lang?.toLowerCase().startsWith(lang)) ?? null;
    const list = [];
    if (this.speak === 'en' || this.speak === 'both') {
      list.push({ text: t('spokenCall', 'en', { number: spoken, counter }), lang: 'en-KE', voice: voiceFor('en') });
    }
    const swahili = voiceFor('sw');
    // Kiswahili read by an English voice is worse than none: only with a Kiswahili voice.
    if ((this.speak === 'sw' || this.speak === 'both') && (swahili || this.speak === 'sw')) {
      list.push({ text: t('spokenCall', 'sw', { number: spoken, counter }), lang: 'sw-KE', voice: swahili });
    }
    return list;
  }

  #say({ text, lang, voice }) {
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (voice) utterance.voice = voice;
      utterance.rate = 0.9;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        window.speechSynthesis.cancel();
        finish();
      }, SPEECH_TIMEOUT_MS);
      utterance.onend = finish;
      utterance.onerror = finish;
      window.speechSynthesis.speak(utterance);
    });
  }
}

/** "A012" → "A, 12": letters one by one, then the number as a number. */
export function spokenNumber(number) {
  const match = /^([A-Z]+)0*(\d+)$/.exec(String(number));
  if (!match) return String(number);
  return `${match[1].split('').join(' ')}, ${match[2]}`;
}
