//! The text scan of a C file behind the unit prefilter: includes, macros (and the names
//! they build by token pasting), definitions that name a word, top-level invocations.

use super::*;

/// How a macro body builds names from its parameters (see [`Pasting`]). A token group
/// joined by `##` (or a lone parameter) followed by `(` and preceded by a type-ish token
/// is a declared function; one that is an argument of a call is handed on.
pub(super) fn pasting(body: &str, params: &[String]) -> Pasting {
    let mut out = Pasting::default();
    if params.is_empty() {
        return out;
    }
    // Tokens: identifiers (and numbers), `##`, and single punctuation characters.
    let b = body.as_bytes();
    let mut toks: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b'\\' {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
        } else if c == b'"' || c == b'\'' {
            let q = c;
            let s = i;
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            toks.push(&body[s..i]);
        } else if is_ident(c) {
            let s = i;
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
            toks.push(&body[s..i]);
        } else if c == b'#' && b.get(i + 1) == Some(&b'#') {
            toks.push("##");
            i += 2;
        } else {
            let len = body[i..].chars().next().map_or(1, char::len_utf8);
            toks.push(&body[i..i + len]);
            i += len;
        }
    }
    let param = |t: &str| params.iter().position(|p| p == t);
    // The enclosing calls: (callee, argument number, the arguments built from parameters).
    type Call<'a> = (Option<&'a str>, usize, Vec<(usize, Pattern)>);
    let mut calls: Vec<Call> = Vec::new();
    let mut j = 0;
    while j < toks.len() {
        let t = toks[j];
        match t {
            "(" => {
                let callee = j
                    .checked_sub(1)
                    .map(|k| toks[k])
                    .filter(|p| p.bytes().next().is_some_and(is_ident_start));
                calls.push((callee, 0, Vec::new()));
                j += 1;
                continue;
            }
            ")" => {
                if let Some((Some(callee), _, args)) = calls.pop() {
                    if !args.is_empty() {
                        out.forwards.push((callee.to_string(), args));
                    }
                }
                j += 1;
                continue;
            }
            "," => {
                if let Some(c) = calls.last_mut() {
                    c.1 += 1;
                }
                j += 1;
                continue;
            }
            _ => {}
        }
        if !t.bytes().next().is_some_and(is_ident) {
            j += 1;
            continue;
        }
        // A group: t (## t)*.
        let start = j;
        let mut end = j + 1;
        while end + 1 < toks.len() && toks[end] == "##" && toks[end + 1].bytes().all(is_ident) {
            end += 2;
        }
        let group: Vec<&str> = toks[start..end]
            .iter()
            .copied()
            .filter(|t| *t != "##")
            .collect();
        let has_param = group.iter().any(|g| param(g).is_some());
        let pasted = end > start + 1;
        if has_param && (pasted || group.len() == 1) {
            let pat: Pattern = group
                .iter()
                .map(|g| match param(g) {
                    Some(k) => (true, k.to_string()),
                    None => (false, g.to_string()),
                })
                .collect();
            let next = toks.get(end).copied();
            let prev = start.checked_sub(1).map(|k| toks[k]);
            let declares = next == Some("(")
                && prev.is_some_and(|p| p == "*" || p.bytes().next().is_some_and(is_ident_start));
            let arg_of_call =
                matches!(prev, Some("(") | Some(",")) && matches!(next, Some(")") | Some(","));
            if declares {
                out.decls.push(pat);
            } else if arg_of_call {
                if let Some((Some(_), k, args)) = calls.last_mut() {
                    args.push((*k, pat));
                }
            }
        }
        j = end;
    }
    out
}

pub(super) fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}
pub(super) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The identifiers of `text` (in comments and strings too: a superset).
pub(super) fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if is_ident_start(b[i]) && (i == 0 || !is_ident(b[i - 1])) {
                let s = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                return Some(&text[s..i]);
            }
            i += 1;
        }
        None
    })
}

/// Scans a C file's text: its includes, macros, functions whose definition names a word,
/// and top-level macro invocations. Rough on purpose (no preprocessing), and biased so
/// that what it misreads makes more names reach, never fewer.
pub fn scan_text(text: &str, words: &Words) -> HeaderScan {
    let mut out = HeaderScan::default();
    // Directives are taken out of the code (replaced by blanks, keeping offsets), so a
    // `#if` inside a function does not break the brace matching.
    let mut code: Vec<u8> = text.as_bytes().to_vec();
    let lines = logical_lines(text);
    for (start, end) in lines {
        let line = &text[start..end];
        let t = line.trim_start();
        let Some(d) = t.strip_prefix('#') else {
            continue;
        };
        let d = d.trim_start();
        code[start..end]
            .iter_mut()
            .for_each(|c| *c = if *c == b'\n' { b'\n' } else { b' ' });
        if let Some(rest) = d
            .strip_prefix("include_next")
            .or_else(|| d.strip_prefix("include"))
            .or_else(|| d.strip_prefix("import"))
        {
            let rest = rest.trim_start();
            let (quoted, close) = match rest.as_bytes().first() {
                Some(b'"') => (true, '"'),
                Some(b'<') => (false, '>'),
                _ => continue,
            };
            if let Some(n) = rest[1..].find(close) {
                out.includes.push((quoted, rest[1..1 + n].to_string()));
            }
        } else if let Some(rest) = d.strip_prefix("define") {
            let rest = rest.trim_start();
            let name_len = rest.bytes().take_while(|&b| is_ident(b)).count();
            if name_len == 0 {
                continue;
            }
            let name = &rest[..name_len];
            let mut body = &rest[name_len..];
            // `NAME(a, b)`: a function-like macro's parameters (not identifiers it uses).
            let mut params: Vec<String> = Vec::new();
            if body.starts_with('(') {
                if let Some(close) = body.find(')') {
                    params = body[1..close]
                        .split(',')
                        .map(|p| {
                            let p = p.trim();
                            let p = p.strip_suffix("...").unwrap_or(p).trim();
                            if p.is_empty() { "__VA_ARGS__" } else { p }.to_string()
                        })
                        .collect();
                    body = &body[close + 1..];
                }
            }
            let direct = words.is_match(body);
            let mut ids: Vec<String> = identifiers(body)
                .filter(|i| !params.iter().any(|p| p == i))
                .map(str::to_string)
                .collect();
            ids.sort();
            ids.dedup();
            let pasting = pasting(body, &params);
            if direct || !ids.is_empty() || pasting != Pasting::default() {
                if words.is_effect_match(body) {
                    out.effect_macros.push(name.to_string());
                }
                out.macros.push((name.to_string(), direct, ids, pasting));
            }
        }
    }
    scan_code(text, &code, words, &mut out);
    out.functions.sort();
    out.functions.dedup();
    out.effect_functions.sort();
    out.effect_functions.dedup();
    out
}

/// Lines joined by backslash-newline: (start, end) byte ranges, end excluding the final
/// newline. A block comment that spans lines is part of the line it starts in only as far
/// as this matters for directives: `#define X /* … */ \` bodies.
pub(super) fn logical_lines(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            let cont =
                i > 0 && b[i - 1] == b'\\' || (i > 1 && b[i - 1] == b'\r' && b[i - 2] == b'\\');
            if !cont {
                out.push((start, i));
                start = i + 1;
            }
        }
        i += 1;
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// The code outside directives: definitions and top-level invocations. `code` is `text`
/// with directives blanked.
pub(super) fn scan_code(text: &str, code: &[u8], words: &Words, out: &mut HeaderScan) {
    let n = code.len();
    let mut i = 0;
    let mut depth: i64 = 0;
    // The current top-level declaration: where it starts, the names written before a `(`
    // at top level, whether it has an `=` (an initializer, not a function).
    let mut decl_start = 0;
    let mut callees: Vec<(usize, usize)> = Vec::new();
    let mut has_eq = false;
    let mut body_start: Option<usize> = None;
    let mut balanced = true;
    let mut last_ident: Option<(usize, usize)> = None;
    // Where the declaration's first token is (comments and directives before it are not
    // part of the definition's text, as they are not part of clang's extent).
    let mut decl_first: Option<usize> = None;
    while i < n {
        let c = code[i];
        // Comments, strings and character constants.
        if c == b'/' && i + 1 < n && code[i + 1] == b'*' {
            i = find(code, i + 2, b"*/").map_or(n, |e| e + 2);
            continue;
        }
        if c == b'/' && i + 1 < n && code[i + 1] == b'/' {
            while i < n && code[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < n && code[i] != c && code[i] != b'\n' {
                if code[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if depth == 0 && decl_first.is_none() && !c.is_ascii_whitespace() {
            decl_first = Some(i);
        }
        if is_ident_start(c) && (i == 0 || !is_ident(code[i - 1])) {
            let s = i;
            while i < n && is_ident(code[i]) {
                i += 1;
            }
            if depth == 0 {
                last_ident = Some((s, i));
            }
            continue;
        }
        match c {
            b'(' if depth == 0 => {
                // A top-level `NAME(` : a declarator or a macro invocation.
                if let Some(id) = last_ident.take() {
                    callees.push(id);
                }
                let close = matching_paren(code, i);
                if let Some(close) = close {
                    if let Some(&(ns, ne)) = callees.last() {
                        if ns < i && code[ne..i].iter().all(u8::is_ascii_whitespace) {
                            invocation(text, code, ns, ne, i, close, words, out);
                        }
                    }
                    i = close + 1;
                    continue;
                }
            }
            b'=' if depth == 0 => has_eq = true,
            b';' if depth == 0 => {
                decl_start = i + 1;
                decl_first = None;
                callees.clear();
                has_eq = false;
                last_ident = None;
            }
            b'{' => {
                if depth == 0 {
                    body_start = Some(i);
                }
                depth += 1;
            }
            b'}' => {
                depth -= 1;
                if depth < 0 {
                    balanced = false;
                    depth = 0;
                }
                if depth == 0 {
                    if let Some(bs) = body_start.take() {
                        let is_function = !callees.is_empty() && !has_eq;
                        let whole = &text[decl_first.unwrap_or(decl_start)..=i];
                        if is_function && words.is_match(whole) {
                            let effect = words.is_effect_match(whole);
                            for &(s, e) in &callees {
                                if s < bs {
                                    out.functions.push(text[s..e].to_string());
                                    if effect {
                                        out.effect_functions.push(text[s..e].to_string());
                                    }
                                }
                            }
                        }
                    }
                    // `struct s { … } x;` goes on to its `;`; a function ends here.
                    if !has_eq && !callees.is_empty() {
                        decl_start = i + 1;
                        decl_first = None;
                        callees.clear();
                    }
                    last_ident = None;
                }
            }
            _ => {
                if !c.is_ascii_whitespace() && depth == 0 {
                    last_ident = None;
                }
            }
        }
        i += 1;
    }
    if depth != 0 || !balanced {
        // Braces that do not match (`#if` branches each opening one): what is a function
        // is unknown, so every name written before a `(` reaches, if the file names a word.
        if words.is_match(text) {
            let effect = words.is_effect_match(text);
            let b = code;
            for id in identifiers(text) {
                let off = id.as_ptr() as usize - text.as_ptr() as usize;
                let after = b[off + id.len()..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace());
                if after == Some(&b'(') {
                    out.functions.push(id.to_string());
                    if effect {
                        out.effect_functions.push(id.to_string());
                    }
                }
            }
        }
    }
}

/// A top-level `NAME(args)`: recorded with its identifiers and single-identifier arguments.
#[allow(clippy::too_many_arguments)]
pub(super) fn invocation(
    text: &str,
    code: &[u8],
    ns: usize,
    ne: usize,
    open: usize,
    close: usize,
    words: &Words,
    out: &mut HeaderScan,
) {
    let inner = &text[open + 1..close];
    let mut args = Vec::new();
    let mut depth = 0;
    let mut s = open + 1;
    for j in open + 1..=close {
        let c = code[j];
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
        if (c == b',' && depth == 0) || j == close {
            let a = text[s..j].trim();
            let single =
                !a.is_empty() && a.bytes().all(is_ident) && is_ident_start(a.as_bytes()[0]);
            // An argument that is not one identifier stands for any text in a built name.
            args.push(if single { a.to_string() } else { String::new() });
            s = j + 1;
        }
    }
    if args.iter().all(String::is_empty) {
        return;
    }
    let mut ids: Vec<String> = identifiers(inner).map(str::to_string).collect();
    ids.sort();
    ids.dedup();
    let direct = words.is_match(inner);
    if words.is_effect_match(inner) {
        out.effect_invocations.push(out.invocations.len());
    }
    out.invocations
        .push((text[ns..ne].to_string(), direct, ids, args));
}

pub(super) fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The `)` matching the `(` at `open`, skipping comments and literals.
pub(super) fn matching_paren(code: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < code.len() {
        match code[i] {
            b'/' if code.get(i + 1) == Some(&b'*') => {
                i = find(code, i + 2, b"*/")? + 2;
                continue;
            }
            b'/' if code.get(i + 1) == Some(&b'/') => {
                while i < code.len() && code[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < code.len() && code[i] != q && code[i] != b'\n' {
                    if code[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            // A `{` before the `)`: not a parenthesised list (bad code, or a macro).
            b'{' | b'}' | b';' if depth == 1 => return None,
            _ => {}
        }
        i += 1;
    }
    None
}
