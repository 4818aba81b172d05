/**
 * A soft two-note chime for "time is up", made with Web Audio (no sound file to ship). Only played when
 * the user turned the sound on; quiet and short on purpose: it is a nudge, not an alarm.
 */
let ctx: AudioContext | null = null;

export function playChime(): void {
  try {
    ctx ??= new AudioContext();
    const start = ctx.currentTime + 0.02;
    [660, 880].forEach((freq, i) => {
      const osc = ctx!.createOscillator();
      const gain = ctx!.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t0 = start + i * 0.22;
      gain.gain.setValueAtTime(0, t0);
      gain.gain.linearRampToValueAtTime(0.08, t0 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.6);
      osc.connect(gain).connect(ctx!.destination);
      osc.start(t0);
      osc.stop(t0 + 0.65);
    });
  } catch {
    // No audio (autoplay policy, old browser): the visual signal and the announcement remain.
  }
}

/** Unlocks audio from a user gesture (browsers keep an AudioContext made without one suspended). */
export function primeChime(): void {
  try {
    ctx ??= new AudioContext();
    void ctx.resume();
  } catch {
    // ignore: see playChime
  }
}
