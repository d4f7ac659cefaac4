//! No import circles: a module never imports, through `crate::` paths, from a module that
//! (directly or through others) imports it back. Checked over the sources of `app` and `server`,
//! one node per file module; a circle is reported with the imports that close it.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// A module path inside its crate: `["server_only", "db"]` for `server_only/db.rs`.
type Module = Vec<String>;

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The module a file under `root` defines.
fn module_of(root: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(root).unwrap_or(file).with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// `text` without plain `//` comments (a URL in a string loses its end, which names no module).
/// Doc comments stay: a link in one (`[x](crate::a::b)`) ties the modules together too.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[at..].starts_with("///") && !line[at..].starts_with("//!") => {
                &line[..at]
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths named by the use-tree that starts at `text` (right after `crate::`), each as its
/// segments; `rest` of `text` is what follows the tree.
fn use_tree(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut path = prefix.to_vec();
    loop {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < bytes.len() && bytes[at] == b'{' {
            at += 1;
            loop {
                let taken = use_tree(&text[at..], &path, out);
                // A `*` or an `as` names no further module; step over it.
                at += taken.max(1);
                while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
                    at += 1;
                }
                if at >= bytes.len() {
                    return at;
                }
                if bytes[at] == b'}' {
                    return at + 1;
                }
            }
        }
        let start = at;
        while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
            at += 1;
        }
        if start == at {
            out.push(path);
            return at;
        }
        path.push(text[start..at].to_owned());
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            out.push(path);
            return at;
        }
    }
}

/// The modules `text` (the source of module `me`) imports through `crate::` paths, each with the
/// path that names it.
fn imports(text: &str, modules: &BTreeSet<Module>, me: &Module) -> BTreeMap<Module, String> {
    let text = without_comments(text);
    let mut found = BTreeMap::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let mut paths = Vec::new();
        use_tree(&text[from..], &[], &mut paths);
        for path in paths {
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|prefix| modules.contains(prefix));
            // A module's own ancestors are the namespaces it lives in, not imports.
            if let Some(target) = target.filter(|t| t != me && !me.starts_with(t)) {
                found.entry(target).or_insert_with(|| path.join("::"));
            }
        }
    }
    found
}

/// The circles among `edges`: strongly connected sets of more than one module (Tarjan).
fn circles(edges: &BTreeMap<Module, BTreeMap<Module, String>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeMap<Module, String>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a Module) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        let edges = state.edges;
        for next in edges.get(node).into_iter().flat_map(BTreeMap::keys) {
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut set = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                set.push(top.clone());
                if top == node {
                    break;
                }
            }
            if set.len() > 1 {
                state.found.push(set);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The circles among the modules of the crate whose sources are in `root`, described.
fn circles_in(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|file| module_of(root, file)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let me = module_of(root, file);
        let text = fs::read_to_string(file).unwrap_or_default();
        edges.insert(me.clone(), imports(&text, &modules, &me));
    }
    circles(&edges)
        .into_iter()
        .map(|set| {
            let members: BTreeSet<&Module> = set.iter().collect();
            set.iter()
                .flat_map(|from| {
                    edges[from]
                        .iter()
                        .filter(|(to, _)| members.contains(to))
                        .map(move |(to, path)| {
                            format!("{} -> {} (crate::{path})", from.join("::"), to.join("::"))
                        })
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect()
}

fn crate_sources(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

#[test]
fn the_app_has_no_import_circles() {
    let found = circles_in(&crate_sources("app"));
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_server_has_no_import_circles() {
    let found = circles_in(&crate_sources("server"));
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn a_circle_is_found() {
    let modules: BTreeSet<Module> = [vec!["a".to_owned()], vec!["b".to_owned()]].into();
    let a = imports("use crate::b::Thing;", &modules, &vec!["a".to_owned()]);
    let b = imports("fn f() { crate::a::g() }", &modules, &vec!["b".to_owned()]);
    let edges = BTreeMap::from([(vec!["a".to_owned()], a), (vec!["b".to_owned()], b)]);
    assert_eq!(circles(&edges).len(), 1);
}

#[test]
fn a_link_in_a_doc_comment_is_an_import() {
    let modules: BTreeSet<Module> = [vec!["a".to_owned()]].into();
    let found = imports(
        "/// See [`crate::a::f`].\nfn g() {}",
        &modules,
        &vec!["b".to_owned()],
    );
    assert_eq!(found.len(), 1);
}

#[test]
fn nested_use_trees_are_read() {
    let modules: BTreeSet<Module> = [
        vec!["x".to_owned()],
        vec!["x".to_owned(), "y".to_owned()],
        vec!["z".to_owned()],
    ]
    .into();
    let found = imports(
        "use crate::{\n    x::{y::{A, B}, self},\n    z::C as D,\n};",
        &modules,
        &vec!["w".to_owned()],
    );
    let targets: Vec<String> = found.keys().map(|m| m.join("::")).collect();
    assert_eq!(targets, ["x", "x::y", "z"]);
}
