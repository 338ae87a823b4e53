//! The API-impact report (`codegen::impact`): what a spec edit does to the users of the client
//! and of the `onenote` command, classed. Each test edits the fixture `tests/fixtures/impact/`
//! (a small class-notebook API) and reads the report; the snapshots are the text
//! `cargo xtask codegen` prints for a breaking, a compatible and a mixed edit.

use codegen::impact::{Change, Class};
use codegen::{Impact, SpecSource};
use tests::spec_files::read_spec;

const FIXTURE: &str = "tests/fixtures/impact";

/// The fixture with each `(file, from, to)` replacement made; `from` must occur once.
fn edited(edits: &[(&str, &str, &str)]) -> Vec<SpecSource> {
    let mut sources = read_spec(FIXTURE);
    for (file, from, to) in edits {
        let path = format!("{FIXTURE}/{file}");
        let source = sources
            .iter_mut()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("no fixture file {path}"));
        assert_eq!(
            source.text.matches(from).count(),
            1,
            "{path} must hold `{from}` exactly once"
        );
        source.text = source.text.replacen(from, to, 1);
    }
    sources
}

/// The impact of an edit of the fixture.
fn impact_of(edits: &[(&str, &str, &str)]) -> Impact {
    impact_between(&[], edits)
}

/// The impact of going from one edit of the fixture to another.
fn impact_between(before: &[(&str, &str, &str)], after: &[(&str, &str, &str)]) -> Impact {
    let before = codegen::load(&edited(before)).unwrap_or_else(|d| panic!("{d}"));
    let after = codegen::load(&edited(after)).unwrap_or_else(|d| panic!("{d}"));
    codegen::impact(&before, &after)
}

/// Each change as `class item: what`.
fn lines(impact: &Impact) -> Vec<String> {
    impact
        .changes()
        .iter()
        .map(
            |Change {
                 class, item, what, ..
             }| format!("{} {item}: {what}", class.name()),
        )
        .collect()
}

#[test]
fn making_a_field_required_breaks_its_readers_its_constructor_and_its_setter() {
    let impact = impact_of(&[(
        "classes.json",
        r#""students": { "doc": "The students.", "type": "Principal[]" }"#,
        r#""students": { "doc": "The students.", "type": "Principal[]", "required": true }"#,
    )]);
    insta::assert_snapshot!(impact.to_string());
}

#[test]
fn a_new_operation_and_a_new_query_parameter_are_compatible() {
    let impact = impact_of(&[
        (
            "classes.json",
            r#"    "addStudent": {"#,
            r#"    "getClassNotebook": {
      "call": "get",
      "doc": "Gets a class notebook.",
      "method": "GET",
      "path": "classNotebooks/{notebookId}",
      "status": 200,
      "response": "ClassNotebook",
      "scopes": ["Notes.Read"]
    },
    "addStudent": {"#,
        ),
        (
            "classes.json",
            r#""body": "Principal","#,
            r#""query": { "notify": { "doc": "Mail the student.", "type": "boolean" } },
      "body": "Principal","#,
        ),
    ]);
    insta::assert_snapshot!(impact.to_string());
}

#[test]
fn removing_an_enum_value_and_adding_an_operation_is_mixed() {
    let impact = impact_of(&[
        (
            "classes.json",
            r#"        { "value": "Owner", "doc": "Full control." },
"#,
            "",
        ),
        (
            "classes.json",
            r#"    "Students": { "doc": "A class's students.", "path": "classNotebooks/{notebookId}/students" }"#,
            r#"    "Students": { "doc": "A class's students.", "path": "classNotebooks/{notebookId}/students" },
    "Student": {
      "doc": "One student of a class.",
      "path": "classNotebooks/{notebookId}/students/{studentId}",
      "params": { "studentId": { "doc": "The student's id.", "type": "string" } }
    }"#,
        ),
        (
            "classes.json",
            r#"    "updateMembership": {"#,
            r#"    "removeStudent": {
      "call": "remove",
      "doc": "Removes a student.",
      "method": "DELETE",
      "path": "classNotebooks/{notebookId}/students/{studentId}",
      "status": 204,
      "scopes": ["Notes.ReadWrite"]
    },
    "updateMembership": {"#,
        ),
    ]);
    insta::assert_snapshot!(impact.to_string());
}

#[test]
fn a_new_optional_field_breaks_only_struct_literals() {
    let impact = impact_of(&[(
        "classes.json",
        r#""name": { "doc": "Its name.", "type": "string" }"#,
        r#""name": { "doc": "Its name.", "type": "string" },
        "isArchived": { "doc": "Whether it is archived.", "type": "boolean" }"#,
    )]);
    assert_eq!(
        lines(&impact),
        [
            "breaking ClassNotebook::is_archived: added (`Option<bool>`)",
            "compatible ClassNotebook::with_is_archived: added",
        ]
    );
    assert!(
        impact.changes()[0]
            .why
            .starts_with("a struct literal `ClassNotebook { … }` must name it"),
        "{impact}"
    );
}

#[test]
fn a_lower_limit_is_breaking_and_a_higher_one_compatible() {
    let limit =
        |max: &str| impact_of(&[("classes.json", r#""max": 100"#, &format!(r#""max": {max}"#))]);
    assert_eq!(
        lines(&limit("50")),
        ["breaking ListClassNotebooksRequest::top: at most 50 (was at most 100)"]
    );
    assert_eq!(
        lines(&limit("500")),
        ["compatible ListClassNotebooksRequest::top: at most 500 (was at most 100)"]
    );
}

/// `CreateClassNotebook.name` with `rules` (JSON members after its `required`).
fn name_with(rules: &str) -> [(&'static str, &'static str, String); 1] {
    [(
        "classes.json",
        r#""name": { "doc": "The notebook's name.", "type": "string", "required": true }"#,
        format!(
            r#""name": {{ "doc": "The notebook's name.", "type": "string", "required": true{rules}, "source": "This test." }}"#
        ),
    )]
}

fn as_edits<'a>(
    edits: &'a [(&'static str, &'static str, String)],
) -> Vec<(&'static str, &'static str, &'a str)> {
    edits.iter().map(|(f, a, b)| (*f, *a, b.as_str())).collect()
}

#[test]
fn a_tightened_rule_is_breaking_and_a_loosened_one_compatible() {
    let at_most_128 = name_with(r#", "maxLength": 128"#);
    let between = |after: &str| {
        lines(&impact_between(
            &as_edits(&at_most_128),
            &as_edits(&name_with(after)),
        ))
    };
    assert_eq!(
        between(r#", "maxLength": 50, "forbiddenCharacters": "/:""#),
        [
            "breaking CreateClassNotebook::name: at most 50 characters (was at most 128 characters)",
            "breaking CreateClassNotebook::name: may not contain `/`, `:` now",
        ]
    );
    assert_eq!(
        between(r#", "maxLength": 200"#),
        [
            "compatible CreateClassNotebook::name: at most 200 characters (was at most 128 characters)"
        ]
    );
    assert_eq!(
        between(r#", "minLength": 1"#),
        [
            "breaking CreateClassNotebook::name: at least 1 character (was no limit)",
            "compatible CreateClassNotebook::name: no limit (was at most 128 characters)",
        ]
    );
    // A new rule on a field that had none.
    assert_eq!(
        lines(&impact_of(&as_edits(&name_with(r#", "pattern": "^[^ ]""#)))),
        ["breaking CreateClassNotebook::name: must match `^[^ ]` now"]
    );
}

#[test]
fn an_enum_a_request_starts_to_carry_is_closed_and_that_is_breaking() {
    let status = (
        "classes.json",
        r#""UserRole": {"#,
        r#""Status": { "doc": "Where it is.", "values": [{ "value": "Open", "doc": "Open." }] },
    "UserRole": {"#,
    );
    let in_responses = (
        "classes.json",
        r#""name": { "doc": "Its name.", "type": "string" }"#,
        r#""name": { "doc": "Its name.", "type": "string" },
        "status": { "doc": "Where it is.", "type": "Status" }"#,
    );
    let in_requests = (
        "classes.json",
        r#""students": { "doc": "The students.", "type": "Principal[]" }"#,
        r#""students": { "doc": "The students.", "type": "Principal[]" },
        "status": { "doc": "Where it starts.", "type": "Status" }"#,
    );
    let impact = impact_between(
        &[status, in_responses],
        &[status, in_responses, in_requests],
    );
    let lines = lines(&impact);
    assert!(
        lines
            .contains(&"breaking Status: closed on requests now (a request carries it)".to_owned()),
        "{impact}"
    );
    let back = impact_between(
        &[status, in_responses, in_requests],
        &[status, in_responses],
    );
    assert!(
        back.changes().iter().any(|c| c.item == "Status"
            && c.class == Class::Compatible
            && c.what == "no request carries it now: no value is refused"),
        "{back}"
    );
}

#[test]
fn a_call_restricted_to_fewer_locations_is_breaking() {
    let impact = impact_of(&[(
        "classes.json",
        r#""response": "Principal","#,
        r#""response": "Principal",
      "locations": ["group"],"#,
    )]);
    assert_eq!(
        lines(&impact),
        [
            "breaking notes.class_notebook(notebook_id).students().add(body): now only at `group` (was every location)"
        ]
    );
}

#[test]
fn a_doc_edit_is_docs_only_and_names_its_item() {
    let impact = impact_of(&[(
        "classes.json",
        r#""doc": "Adds a student.""#,
        r#""doc": "Adds a student to the class.""#,
    )]);
    assert_eq!(
        lines(&impact),
        ["docs notes.class_notebook(notebook_id).students().add(body): docs changed"]
    );
    assert_eq!(impact.count(Class::Docs), 1);
}

#[test]
fn reformatting_and_reordering_the_spec_changes_nothing() {
    let mut sources = edited(&[(
        "classes.json",
        r#""id": { "doc": "Its id.", "type": "string" },
        "name": { "doc": "Its name.", "type": "string" }"#,
        r#""name":{"type":"string","doc":"Its name."},
        "id":   {"type": "string",   "doc": "Its id."}"#,
    )]);
    sources.reverse();
    let before = codegen::load(&read_spec(FIXTURE)).unwrap_or_else(|d| panic!("{d}"));
    let after = codegen::load(&sources).unwrap_or_else(|d| panic!("{d}"));
    let impact = codegen::impact(&before, &after);
    assert!(impact.is_empty(), "{impact}");
    assert_eq!(impact.to_string(), "no change to the public API\n");
}
