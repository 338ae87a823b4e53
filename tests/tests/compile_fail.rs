//! Misuse the types forbid: each file in `tests/compile-fail/` must fail to compile with the
//! error in the `.stderr` beside it (location-restricted operations, missing OData options).

#[test]
fn restricted_and_missing_operations_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("compile-fail/*.rs");
}
