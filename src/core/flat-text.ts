// Long result strings (explain lines, feedback messages) are built from template
// literals, which V8 keeps as a tree of fragments. The results of ten thousand
// partners live until the document is returned, so every fragment is copied by each
// young-generation collection it survives. Reading one character makes V8 flatten
// the tree into one string, and the fragments die young. No effect on the text.
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

export function flatAll(texts: string[]): string[] {
  for (const text of texts) text.charCodeAt(0);
  return texts;
}
