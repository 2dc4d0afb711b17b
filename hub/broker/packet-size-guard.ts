/**
 * Follows MQTT packet boundaries in a byte stream by their fixed headers (MQTT 3.1.1
 * §2.2: one type/flags byte, then the Remaining Length as a variable byte integer of
 * at most four bytes, §2.2.3), without decoding anything else. aedes 1.2 has no
 * packet-size limit, so the socket is watched with this and closed before an
 * oversized packet is buffered.
 */
export type ScanResult = { ok: true } | { ok: false; reason: 'too_large'; remainingLength: number } | { ok: false; reason: 'bad_length' };

export class MqttFrameScanner {
  readonly #maxRemainingLength: number;
  /** 'header': expecting a packet's first byte; 'length': inside its Remaining Length; 'body': skipping it. */
  #state: 'header' | 'length' | 'body' = 'header';
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #bodyLeft = 0;
  #failed: ScanResult | null = null;

  constructor(maxPacketBytes: number) {
    // The fixed header takes at most 5 bytes of the packet.
    this.#maxRemainingLength = Math.max(0, maxPacketBytes - 5);
  }

  feed(chunk: Uint8Array): ScanResult {
    if (this.#failed) return this.#failed;
    let i = 0;
    while (i < chunk.length) {
      switch (this.#state) {
        case 'header':
          i++;
          this.#state = 'length';
          this.#length = 0;
          this.#multiplier = 1;
          this.#lengthBytes = 0;
          break;
        case 'length': {
          const byte = chunk[i++]!;
          this.#length += (byte & 0x7f) * this.#multiplier;
          this.#multiplier *= 128;
          this.#lengthBytes++;
          if (byte & 0x80) {
            if (this.#lengthBytes === 4) return (this.#failed = { ok: false, reason: 'bad_length' });
            break;
          }
          if (this.#length > this.#maxRemainingLength) {
            return (this.#failed = { ok: false, reason: 'too_large', remainingLength: this.#length });
          }
          this.#bodyLeft = this.#length;
          this.#state = this.#bodyLeft === 0 ? 'header' : 'body';
          break;
        }
        case 'body': {
          const take = Math.min(this.#bodyLeft, chunk.length - i);
          i += take;
          this.#bodyLeft -= take;
          if (this.#bodyLeft === 0) this.#state = 'header';
          break;
        }
      }
    }
    return { ok: true };
  }
}
