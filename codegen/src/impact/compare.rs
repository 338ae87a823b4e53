//! Two surfaces compared: each item that went, came or changed a fact becomes a [`Change`] with
//! its class and what it means for code that uses the item.

use std::collections::BTreeSet;

use super::change::{Change, Class};
use super::surface::{Arg, Aspect, Fact, FieldShape, Item, Kind, Limits, Surface};
use crate::model::Rule;

/// A change's class and text, before it is tied to its item.
struct Verdict {
    class: Class,
    what: String,
    why: String,
}

fn verdict(class: Class, what: impl Into<String>, why: impl Into<String>) -> Verdict {
    Verdict {
        class,
        what: what.into(),
        why: why.into(),
    }
}

/// Every change from `before` to `after`, unsorted. An item that comes or goes with its parent
/// (a field with its struct, a setter with its builder) is not listed on its own.
pub(super) fn changes(before: &Surface, after: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, old) in &before.items {
        match after.items.get(key) {
            Some(new) => changed(old, new, &mut out),
            None if with_parent(old, after) => {}
            None => out.push(change(old, removed(key, old, before))),
        }
    }
    for (key, new) in &after.items {
        if !before.items.contains_key(key) && !with_parent(new, before) {
            out.push(change(new, added(key, new, after)));
        }
    }
    out
}

/// True when the item's parent is missing from `other` too: the parent's change says it all.
fn with_parent(item: &Item, other: &Surface) -> bool {
    item.parent
        .as_ref()
        .is_some_and(|parent| !other.items.contains_key(parent))
}

fn change(item: &Item, verdict: Verdict) -> Change {
    Change {
        class: verdict.class,
        item: item.label.clone(),
        kind: item.kind.name(),
        source: item.source.clone(),
        what: verdict.what,
        why: verdict.why,
    }
}

/// An item that is gone: breaking, whatever it was.
fn removed(key: &str, item: &Item, before: &Surface) -> Verdict {
    let why = match item.kind {
        Kind::Command => "scripts that run it fail".to_owned(),
        Kind::BodyPart => "a body that has it is refused before sending".to_owned(),
        Kind::Variant => match unknown_sibling(key, item, before) {
            Some(unknown) => format!(
                "code that names it no longer compiles; the value `{}` arrives as `{unknown}(\"{}\")`",
                wire(item),
                wire(item)
            ),
            None => "code that names it no longer compiles".to_owned(),
        },
        _ => "code that uses it no longer compiles".to_owned(),
    };
    verdict(Class::Breaking, "removed", why)
}

/// A new item: compatible, unless code that compiles today must now name it.
fn added(key: &str, item: &Item, after: &Surface) -> Verdict {
    let parent = item.parent.as_ref().and_then(|p| after.items.get(p));
    let exhaustive = parent.is_some_and(|p| p.flag(Aspect::Exhaustive));
    match item.kind {
        Kind::Field if exhaustive => {
            let ty = match item.facts.get(&Aspect::FieldType) {
                Some(Fact::Field(shape)) => format!(" (`{}`)", shape.rust()),
                _ => String::new(),
            };
            let name = parent.map_or("", |p| p.label.as_str());
            verdict(
                Class::Breaking,
                format!("added{ty}"),
                format!(
                    "a struct literal `{name} {{ … }}` must name it (generated structs are not `#[non_exhaustive]`); `new`, `Default` and the `with_` setters are unaffected"
                ),
            )
        }
        Kind::Variant if exhaustive => {
            let name = parent.map_or("", |p| p.label.as_str());
            let mut why = format!(
                "a `match` on `{name}` that lists every variant must handle it (generated enums are not `#[non_exhaustive]`)"
            );
            if let Some(unknown) = unknown_sibling(key, item, after) {
                why.push_str(&format!(
                    "; the value `{}`, read as `{unknown}(\"{}\")` until now, arrives as `{}`",
                    wire(item),
                    wire(item),
                    item.label
                ));
            }
            verdict(Class::Breaking, "added", why)
        }
        Kind::BodyPart if item.flag(Aspect::Required) => verdict(
            Class::Breaking,
            "added, required",
            "a body without it is refused before sending",
        ),
        _ => verdict(Class::Compatible, "added", ""),
    }
}

/// The `Unknown` variant of a variant's enum, if it has one.
fn unknown_sibling(key: &str, item: &Item, surface: &Surface) -> Option<String> {
    let parent = item.parent.as_deref()?;
    let unknown = format!("{parent}::Unknown");
    (key != unknown)
        .then(|| surface.items.get(&unknown))
        .flatten()
        .map(|u| u.label.clone())
}

/// The item's wire value (an enum variant's value).
fn wire(item: &Item) -> &str {
    match item.facts.get(&Aspect::Wire) {
        Some(Fact::Text(text)) => text,
        _ => "",
    }
}

/// The changes of an item that is in both surfaces. A docs change is listed only when nothing
/// else about the item changed.
fn changed(old: &Item, new: &Item, out: &mut Vec<Change>) {
    if old.kind != new.kind {
        out.push(change(
            new,
            verdict(
                Class::Breaking,
                format!(
                    "now {} (was {})",
                    with_article(new.kind),
                    with_article(old.kind)
                ),
                "code that uses it as before no longer compiles",
            ),
        ));
        return;
    }
    let aspects: BTreeSet<Aspect> = old.facts.keys().chain(new.facts.keys()).copied().collect();
    let mut verdicts = Vec::new();
    for aspect in aspects {
        match (old.facts.get(&aspect), new.facts.get(&aspect)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => verdicts.extend(fact(aspect, a, b)),
            // Each kind of item always has the same facts; were one to appear or go, the
            // item changed in a way this comparison does not know how to class.
            _ => verdicts.push(verdict(Class::Behaviour, "changed", "")),
        }
    }
    let more_than_docs = verdicts.iter().any(|v| v.what != DOCS_CHANGED);
    for verdict in verdicts {
        if !(more_than_docs && verdict.what == DOCS_CHANGED) {
            out.push(change(new, verdict));
        }
    }
}

const DOCS_CHANGED: &str = "docs changed";

/// `a struct`, `an enum`.
fn with_article(kind: Kind) -> String {
    let name = kind.name();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// What one changed fact means.
fn fact(aspect: Aspect, old: &Fact, new: &Fact) -> Vec<Verdict> {
    match (old, new) {
        (Fact::Flag(a), Fact::Flag(b)) => vec![flag(aspect, *a, *b)],
        (Fact::Text(a), Fact::Text(b)) => vec![text(aspect, a, b)],
        (Fact::Texts(a), Fact::Texts(b)) => texts(aspect, a, b),
        (Fact::Max(a), Fact::Max(b)) => vec![max(*a, *b)],
        (Fact::Rules(a), Fact::Rules(b)) => rules(a, b),
        (Fact::Field(a), Fact::Field(b)) => vec![field_type(a, b)],
        (Fact::Args(a), Fact::Args(b)) => vec![arguments(a, b)],
        (Fact::Hosts(a), Fact::Hosts(b)) => hosts(a, b),
        (Fact::Locations(a), Fact::Locations(b)) => locations(a.as_deref(), b.as_deref()),
        (Fact::Path(a), Fact::Path(b)) => vec![verdict(
            Class::Behaviour,
            format!("goes to `{}` (was `{}`)", b.shown, a.shown),
            "the same code sends its requests elsewhere",
        )],
        _ => vec![verdict(Class::Behaviour, "changed", "")],
    }
}

fn flag(aspect: Aspect, old: bool, new: bool) -> Verdict {
    match (aspect, new) {
        (Aspect::Exhaustive, false) => verdict(
            Class::Breaking,
            "made `#[non_exhaustive]`",
            "struct literals and exhaustive `match`es outside the crate no longer compile",
        ),
        (Aspect::Exhaustive, true) => {
            verdict(Class::Compatible, "no longer `#[non_exhaustive]`", "")
        }
        (Aspect::Default, false) => verdict(
            Class::Breaking,
            "no longer implements `Default` (it has a required field)",
            "`default()` and `..Default::default()` no longer compile; use `new`",
        ),
        (Aspect::Default, true) => verdict(
            Class::Compatible,
            "implements `Default` now (no field is required)",
            "",
        ),
        (Aspect::Lenient, false) => verdict(
            Class::Behaviour,
            "received values must match exactly",
            "a value that matched ignoring case, spaces, `_` and `-` arrives as `Unknown`",
        ),
        (Aspect::Lenient, true) => verdict(
            Class::Behaviour,
            "received values match ignoring case, spaces, `_` and `-`",
            "a value that arrived as `Unknown` may now match a variant",
        ),
        (Aspect::AsyncOnly, true) => verdict(
            Class::Behaviour,
            "always sent with `Prefer: respond-async`",
            "the service answers `202` with an operation to poll",
        ),
        (Aspect::AsyncOnly, false) => verdict(
            Class::Behaviour,
            "no longer sent with `Prefer: respond-async`",
            "",
        ),
        (Aspect::Required, true) => verdict(
            Class::Breaking,
            "required now",
            "a body without it is refused before sending",
        ),
        (Aspect::Required, false) => verdict(Class::Compatible, "optional now", ""),
        (Aspect::ClosedOnRequests, true) => verdict(
            Class::Breaking,
            "closed on requests now (a request carries it)",
            "a request holding an `Unknown` value is refused before sending",
        ),
        (Aspect::ClosedOnRequests, false) => verdict(
            Class::Compatible,
            "no request carries it now: no value is refused",
            "",
        ),
        _ => verdict(
            Class::Behaviour,
            format!("{aspect:?}: {new} (was {old})"),
            "",
        ),
    }
}

fn text(aspect: Aspect, old: &str, new: &str) -> Verdict {
    match aspect {
        Aspect::Doc => verdict(Class::Docs, DOCS_CHANGED, ""),
        Aspect::Module => verdict(
            Class::Breaking,
            format!("moved from `{old}` to `{new}`"),
            "code that names it through its module must follow; the name at the crate root is unchanged",
        ),
        Aspect::Method => verdict(
            Class::Breaking,
            format!("renamed: `.{new}()` (was `.{old}()`)"),
            format!("calls to `.{old}()` no longer compile"),
        ),
        Aspect::Argument => verdict(
            Class::Breaking,
            format!("takes `{new}` (was `{old}`)"),
            "calls that pass what it took may no longer compile",
        ),
        Aspect::Returns => verdict(
            Class::Breaking,
            format!("`.send().await` gives `{new}` (was `{old}`)"),
            format!("code that uses the answer as `{old}` no longer compiles"),
        ),
        Aspect::Wire => verdict(
            Class::Behaviour,
            format!("`{new}` on the wire (was `{old}`)"),
            "the same code sends or reads another name",
        ),
        Aspect::HttpMethod => verdict(
            Class::Behaviour,
            format!("sends `{new}` (was `{old}`)"),
            "the same code sends another request",
        ),
        Aspect::Status => verdict(
            Class::Behaviour,
            format!("success is `{new}` (was `{old}`)"),
            format!("an answer `{old}` is an error now"),
        ),
        Aspect::Accept => verdict(
            Class::Behaviour,
            format!("sends `Accept: {new}` (was `{old}`)"),
            "",
        ),
        Aspect::MediaType => verdict(
            Class::Behaviour,
            format!("sent as `{new}` (was `{old}`)"),
            "",
        ),
        Aspect::Alone => verdict(
            Class::Behaviour,
            match (old.is_empty(), new.is_empty()) {
                (_, true) => format!("a body of only `{old}` is sent as multipart now"),
                _ => format!("a body of only `{new}` is sent as that part alone"),
            },
            "",
        ),
        Aspect::Value => verdict(
            Class::Behaviour,
            format!("{new} (was {old})"),
            "code that relies on the default gets the new one",
        ),
        _ => verdict(
            Class::Behaviour,
            format!("{aspect:?}: `{new}` (was `{old}`)"),
            "",
        ),
    }
}

fn texts(aspect: Aspect, old: &[String], new: &[String]) -> Vec<Verdict> {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let gone: Vec<String> = old.iter().filter(|s| !new.contains(s)).cloned().collect();
    let came: Vec<String> = new.iter().filter(|s| !old.contains(s)).cloned().collect();
    match aspect {
        Aspect::Aliases => {
            let mut verdicts = Vec::new();
            if !gone.is_empty() {
                verdicts.push(verdict(
                    Class::Behaviour,
                    format!("no longer read from {}", list(&gone)),
                    "an answer that spells it so leaves it unread",
                ));
            }
            if !came.is_empty() {
                verdicts.push(verdict(
                    Class::Compatible,
                    format!("also read from {}", list(&came)),
                    "",
                ));
            }
            verdicts
        }
        Aspect::Scopes => vec![verdict(
            Class::Docs,
            format!("permission scopes: {} (was {})", list(new), list(old)),
            "an app needs one of them",
        )],
        Aspect::Exclusive if came.is_empty() => vec![verdict(
            Class::Compatible,
            format!("sent as alternatives: {} (was {})", list(new), list(old)),
            "",
        )],
        Aspect::Exclusive => vec![verdict(
            Class::Breaking,
            format!("sent as alternatives: {} (was {})", list(new), list(old)),
            "a request that sends fields of two groups, or part of one, is refused before sending",
        )],
        Aspect::ConstQuery => vec![verdict(
            Class::Behaviour,
            format!("always sends {} (was {})", list(new), list(old)),
            "the same code sends another query",
        )],
        _ => vec![verdict(
            Class::Behaviour,
            format!("{aspect:?}: {} (was {})", list(new), list(old)),
            "",
        )],
    }
}

/// A limit on what is accepted before sending: lowering it refuses values that pass today.
fn max(old: Option<u64>, new: Option<u64>) -> Verdict {
    let limit = |max: Option<u64>| max.map_or("no limit".to_owned(), |m| format!("at most {m}"));
    let tighter = match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => b < a,
    };
    if tighter {
        verdict(
            Class::Breaking,
            format!("{} (was {})", limit(new), limit(old)),
            "values that pass today may be refused before sending",
        )
    } else {
        verdict(
            Class::Compatible,
            format!("{} (was {})", limit(new), limit(old)),
            "",
        )
    }
}

/// Rule by rule: a new rule or a tighter one refuses values that pass today (breaking), a rule
/// dropped or loosened refuses fewer (compatible), a new error code changes what callers read
/// from `Error::code`.
fn rules(old: &Limits, new: &Limits) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    let count = |rule: &Option<Rule<u32>>| rule.as_ref().map(|r| r.value);
    let mut limit = |name: &str, unit: &str, old: Option<u32>, new: Option<u32>, up: bool| {
        let shown = |value: Option<u32>| {
            let plural = |v: u32| if v == 1 { "" } else { "s" };
            value.map_or("no limit".to_owned(), |v| {
                format!("{name} {v} {unit}{}", plural(v))
            })
        };
        if old == new {
            return;
        }
        // `up`: a larger value is a tighter limit (a minimum); otherwise a smaller one is.
        let tighter = match (old, new) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => (b > a) == up,
        };
        verdicts.push(tightened(
            tighter,
            format!("{} (was {})", shown(new), shown(old)),
        ));
    };
    limit(
        "at least",
        "character",
        count(&old.min_length),
        count(&new.min_length),
        true,
    );
    limit(
        "at most",
        "character",
        count(&old.max_length),
        count(&new.max_length),
        false,
    );
    limit(
        "at least",
        "item",
        count(&old.min_items),
        count(&new.min_items),
        true,
    );
    let chars = |rule: &Option<Rule<String>>| {
        rule.as_ref()
            .map(|r| r.value.chars().collect::<BTreeSet<char>>())
            .unwrap_or_default()
    };
    let (was, now) = (
        chars(&old.forbidden_characters),
        chars(&new.forbidden_characters),
    );
    let shown = |set: &BTreeSet<char>| set.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>();
    let came: BTreeSet<char> = now.difference(&was).copied().collect();
    let gone: BTreeSet<char> = was.difference(&now).copied().collect();
    if !came.is_empty() {
        verdicts.push(tightened(
            true,
            format!("may not contain {} now", shown(&came).join(", ")),
        ));
    }
    if !gone.is_empty() {
        verdicts.push(tightened(
            false,
            format!("may contain {} now", shown(&gone).join(", ")),
        ));
    }
    let regex = |rule: &Option<Rule<String>>| rule.as_ref().map(|r| r.value.clone());
    match (regex(&old.pattern), regex(&new.pattern)) {
        (a, b) if a == b => {}
        (_, None) => verdicts.push(tightened(false, "no pattern now")),
        (_, Some(b)) => verdicts.push(tightened(true, format!("must match `{b}` now"))),
    }
    let codes = |limits: &Limits| {
        [
            limits.min_length.as_ref().and_then(|r| r.code.clone()),
            limits.max_length.as_ref().and_then(|r| r.code.clone()),
            limits
                .forbidden_characters
                .as_ref()
                .and_then(|r| r.code.clone()),
            limits.pattern.as_ref().and_then(|r| r.code.clone()),
            limits.min_items.as_ref().and_then(|r| r.code.clone()),
        ]
    };
    let pairs = codes(old).into_iter().zip(codes(new));
    if verdicts.is_empty() && pairs.clone().any(|(a, b)| a != b) {
        verdicts.push(verdict(
            Class::Behaviour,
            "refused with another error code",
            "code that matches on `Error::code` sees the new one",
        ));
    }
    verdicts
}

/// A rule change: tighter refuses, before sending, values that pass today.
fn tightened(tighter: bool, what: impl Into<String>) -> Verdict {
    if tighter {
        verdict(
            Class::Breaking,
            what,
            "values that pass today may be refused before sending",
        )
    } else {
        verdict(Class::Compatible, what, "")
    }
}

fn field_type(old: &FieldShape, new: &FieldShape) -> Verdict {
    let what = match (old.required != new.required, old.nullable != new.nullable) {
        (true, _) if new.required => "made required",
        (true, _) => "made optional",
        (false, true) if new.nullable => "made nullable",
        (false, true) => "no longer nullable",
        (false, false) => "type changed",
    };
    verdict(
        Class::Breaking,
        format!("{what} (`{}` → `{}`)", old.rust(), new.rust()),
        format!(
            "code that reads or builds it as `{}` no longer compiles",
            old.rust()
        ),
    )
}

/// A function's arguments: callers pass them by position, so only types and order count.
fn arguments(old: &[Arg], new: &[Arg]) -> Verdict {
    let signature = |args: &[Arg]| {
        args.iter()
            .map(|a| a.name.trim_start_matches("r#"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let types = |args: &[Arg]| args.iter().map(|a| a.ty.clone()).collect::<Vec<_>>();
    if types(old) == types(new) {
        return verdict(
            Class::Docs,
            format!(
                "arguments renamed: ({}) (was ({}))",
                signature(new),
                signature(old)
            ),
            "arguments are positional: calls are unchanged",
        );
    }
    let named = |args: &[Arg], name: &str| args.iter().find(|a| a.name == name).cloned();
    let mut parts = Vec::new();
    let came: Vec<&Arg> = new
        .iter()
        .filter(|a| named(old, &a.name).is_none())
        .collect();
    let gone: Vec<&Arg> = old
        .iter()
        .filter(|a| named(new, &a.name).is_none())
        .collect();
    for arg in &came {
        parts.push(format!(
            "takes a new argument `{}: {}`",
            arg.name.trim_start_matches("r#"),
            arg.ty
        ));
    }
    for arg in &gone {
        parts.push(format!(
            "no longer takes `{}`",
            arg.name.trim_start_matches("r#")
        ));
    }
    for arg in new {
        if let Some(before) = named(old, &arg.name)
            && before.ty != arg.ty
        {
            parts.push(format!(
                "`{}` is `{}` (was `{}`)",
                arg.name.trim_start_matches("r#"),
                arg.ty,
                before.ty
            ));
        }
    }
    if parts.is_empty() {
        parts.push(format!(
            "arguments reordered: ({}) (was ({}))",
            signature(new),
            signature(old)
        ));
    }
    let why = if gone.is_empty() && came.len() == parts.len() {
        "every call must pass it"
    } else {
        "every call must change"
    };
    verdict(Class::Breaking, parts.join("; "), why)
}

/// The handles a method is on: gone ones break the calls made there.
fn hosts(old: &[(String, String)], new: &[(String, String)]) -> Vec<Verdict> {
    let keys = |list: &[(String, String)]| list.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let (old_keys, new_keys) = (keys(old), keys(new));
    let mut verdicts = Vec::new();
    let gone: Vec<String> = old
        .iter()
        .filter(|(k, _)| !new_keys.contains(k))
        .map(|(_, label)| format!("`{label}`"))
        .collect();
    let came: Vec<String> = new
        .iter()
        .filter(|(k, _)| !old_keys.contains(k))
        .map(|(_, label)| format!("`{label}`"))
        .collect();
    if !gone.is_empty() {
        verdicts.push(verdict(
            Class::Breaking,
            format!("no longer on {}", gone.join(", ")),
            "calls made there no longer compile",
        ));
    }
    if !came.is_empty() {
        verdicts.push(verdict(
            Class::Compatible,
            format!("also on {}", came.join(", ")),
            "",
        ));
    }
    verdicts
}

/// The locations where a method exists (`None`: every one). Fewer is breaking.
fn locations(old: Option<&[String]>, new: Option<&[String]>) -> Vec<Verdict> {
    let list = |keys: &[String]| {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (old, new) {
        (Some(_), None) => vec![verdict(Class::Compatible, "now at every location", "")],
        (None, Some(new)) => vec![verdict(
            Class::Breaking,
            format!("now only at {} (was every location)", list(new)),
            "calls at any other location no longer compile",
        )],
        (Some(old), Some(new)) => {
            let gone: Vec<String> = old.iter().filter(|k| !new.contains(k)).cloned().collect();
            let came: Vec<String> = new.iter().filter(|k| !old.contains(k)).cloned().collect();
            let mut verdicts = Vec::new();
            if !gone.is_empty() {
                verdicts.push(verdict(
                    Class::Breaking,
                    format!("no longer at {}", list(&gone)),
                    "calls there no longer compile",
                ));
            }
            if !came.is_empty() {
                verdicts.push(verdict(
                    Class::Compatible,
                    format!("also at {}", list(&came)),
                    "",
                ));
            }
            verdicts
        }
        (None, None) => Vec::new(),
    }
}
