//! The generated models on their own: enums that keep unknown values, the language codes,
//! three-state fields and typed dates.

use onenote_api::{Language, Nullable, PageLockUpdate, Principal, PrincipalType, UserRole};
use serde_json::json;

#[test]
fn language_has_all_38_documented_codes_in_order() {
    let codes: Vec<&str> = Language::KNOWN.iter().map(Language::as_str).collect();
    assert_eq!(
        codes,
        [
            "bg-bg",
            "cs-cz",
            "da-dk",
            "de-de",
            "el-gr",
            "en-us",
            "es-es",
            "et-ee",
            "fi-fi",
            "fr-fr",
            "hi-in",
            "hr-hr",
            "hu-hu",
            "id-id",
            "it-it",
            "ja-jp",
            "kk-kz",
            "ko-kr",
            "lt-lt",
            "lv-lv",
            "ms-my",
            "nb-no",
            "nl-nl",
            "pl-pl",
            "pt-br",
            "pt-pt",
            "ro-ro",
            "ru-ru",
            "sk-sk",
            "sl-si",
            "sr-Latn-RS",
            "sv-se",
            "th-th",
            "tr-tr",
            "uk-ua",
            "vi-vn",
            "zh-cn",
            "zh-tw",
        ]
    );
}

#[test]
fn the_mixed_case_language_code_serialises_exactly() {
    assert_eq!(
        serde_json::to_value(Language::SrLatnRs).unwrap(),
        json!("sr-Latn-RS")
    );
    let parsed: Language = serde_json::from_value(json!("sr-Latn-RS")).unwrap();
    assert_eq!(parsed, Language::SrLatnRs);
}

#[test]
fn exact_enums_keep_an_unknown_value_and_send_it_back_unchanged() {
    let role: UserRole = serde_json::from_value(json!("Approver")).unwrap();
    assert_eq!(role, UserRole::Unknown("Approver".to_owned()));
    assert_eq!(serde_json::to_value(&role).unwrap(), json!("Approver"));
    // Exact enums are case-sensitive: a different casing is a different (unknown) value.
    let role: UserRole = serde_json::from_value(json!("owner")).unwrap();
    assert_eq!(role, UserRole::Unknown("owner".to_owned()));
}

#[test]
fn a_principal_round_trips_with_its_json_names() {
    let principal = Principal::new("student1@contoso.com", PrincipalType::Person);
    let value = serde_json::to_value(&principal).unwrap();
    assert_eq!(
        value,
        json!({ "id": "student1@contoso.com", "principalType": "Person" })
    );
    assert_eq!(
        serde_json::from_value::<Principal>(value).unwrap(),
        principal
    );
}

#[test]
fn a_page_lock_update_tells_unset_from_null_when_decoded() {
    let unset: PageLockUpdate = serde_json::from_value(json!({})).unwrap();
    let cleared: PageLockUpdate =
        serde_json::from_value(json!({ "blockEditsInClientStartDate": null })).unwrap();
    let set: PageLockUpdate = serde_json::from_value(json!({
        "blockEditsInClientStartDate": "2018-02-25T15:17:16.0938811-08:00"
    }))
    .unwrap();
    assert_eq!(unset.block_edits_in_client_start_date, None);
    assert_eq!(
        cleared.block_edits_in_client_start_date,
        Some(Nullable::Null)
    );
    assert_eq!(
        set.block_edits_in_client_start_date,
        Some(Nullable::Value(
            "2018-02-25T15:17:16.0938811-08:00".parse().unwrap()
        ))
    );
}

#[test]
fn a_date_that_is_not_rfc_3339_is_a_decode_error_not_a_string() {
    let error = serde_json::from_value::<onenote_api::OperationModel>(json!({
        "createdDateTime": "yesterday"
    }))
    .unwrap_err();
    assert!(error.to_string().contains("yesterday"), "{error}");
}
