/**
 * Copies text to the clipboard. The async clipboard API needs a secure context (https or localhost); on a
 * plain-http self-hosted install it is missing, so fall back to selecting `fallbackInput` for a manual copy.
 * Returns whether the text is on the clipboard.
 */
export async function copyText(text: string, fallbackInput?: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or not focused: fall through to the manual path.
  }
  if (fallbackInput) {
    fallbackInput.focus();
    fallbackInput.select();
    try {
      // Deprecated but still the only synchronous path on insecure origins.
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
  return false;
}
