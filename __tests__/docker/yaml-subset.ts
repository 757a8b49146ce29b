// A minimal reader for the YAML subset docker-compose.yml uses (no new dependency): block mappings and
// sequences by indentation, plain/quoted scalars, flow sequences of scalars, `&anchor`, `<<: *anchor`, comments.
// Anything outside that subset throws, so the test notices when the file grows past it.

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly no: number;
}

function scalar(raw: string, no: number): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${no}: unterminated quote: ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('"')) return JSON.parse(s) as string;
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new Error(`line ${no}: unterminated flow sequence: ${s}`);
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : (inner.match(/'[^']*'|"[^"]*"|[^,]+/g) ?? []).map((p) => scalar(p, no));
  }
  if (/^[{|>&*!%@`]/.test(s)) throw new Error(`line ${no}: unsupported YAML: ${s}`);
  return s;
}

/** Strips a comment that starts a line or follows whitespace, outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

export function parseYamlSubset(source: string): YamlValue {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${i + 1}: tab indentation`);
    const text = stripComment(raw);
    if (text.trim() !== '') lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  const anchors = new Map<string, YamlValue>();
  let pos = 0;

  function block(indent: number): YamlValue {
    const first = lines[pos];
    if (!first || first.indent < indent) return null;
    if (first.text.startsWith('- ') || first.text === '-') {
      const items: YamlValue[] = [];
      while (lines[pos] && lines[pos]!.indent === first.indent && lines[pos]!.text.startsWith('-')) {
        const item = lines[pos]!;
        pos++;
        items.push(scalar(item.text.slice(1), item.no));
      }
      return items;
    }
    const map: { [key: string]: YamlValue } = {};
    while (lines[pos] && lines[pos]!.indent === first.indent) {
      const line = lines[pos]!;
      const m = /^('[^']*'|"[^"]*"|[^:]+?):(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.no}: expected "key: value": ${line.text}`);
      pos++;
      const key = String(scalar(m[1]!, line.no));
      let rest = (m[2] ?? '').trim();
      let anchor: string | undefined;
      const a = /^&([\w-]+)\s*(.*)$/.exec(rest);
      if (a) [anchor, rest] = [a[1], a[2]!.trim()];
      let value: YamlValue;
      if (rest.startsWith('*')) {
        value = anchors.get(rest.slice(1)) ?? null;
        if (value === null) throw new Error(`line ${line.no}: unknown alias ${rest}`);
      } else if (rest !== '') value = scalar(rest, line.no);
      else value = lines[pos] && lines[pos]!.indent > line.indent ? block(lines[pos]!.indent) : null;
      if (anchor) anchors.set(anchor, value);
      if (key === '<<' && value && typeof value === 'object' && !Array.isArray(value)) Object.assign(map, value);
      else map[key] = value;
    }
    if (lines[pos] && lines[pos]!.indent > first.indent) {
      throw new Error(`line ${lines[pos]!.no}: unexpected indentation`);
    }
    return map;
  }

  const root = block(0);
  if (pos !== lines.length) throw new Error(`line ${lines[pos]!.no}: could not read`);
  return root;
}
