/** Full-width ASCII (０-９, Ａ-Ｚ, ＋, （）…) to half-width, and the ideographic space to a space: text as typed on a Chinese keyboard. */
export function toHalfWidth(value: string): string {
  return value.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
