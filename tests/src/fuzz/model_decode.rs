//! Fuzz target `model_decode`: every generated model, and `Page<_>` of each, decoding arbitrary
//! bytes as a response body.
//!
//! Each input is decoded as every type, both with `serde_json::from_slice` and through the
//! client's own response decoding (`Reply::decode`): the two must agree, a failure must be a
//! one-line `Decode` error that never shows the token the request sent, and whatever decodes must serialize, decode again, and compare
//! equal (models keep unknown enum values, three-state fields and dates, so a round trip loses
//! nothing they hold).

use std::fmt::Debug;

use onenote_api::{ErrorKind, Page};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Lists the generated models once: their names (checked against the spec's types by
/// `tests/tests/fuzz_corpus.rs`, so a new type cannot be left out) and the check over all of them.
macro_rules! models {
    ($($model:ident),* $(,)?) => {
        /// The spec type names this target decodes.
        pub const MODELS: &[&str] = &[$(stringify!($model)),*];

        /// Checks one input against every model and every `Page` of a model.
        pub fn check(data: &[u8]) {
            $(
                round_trip::<onenote_api::$model>(stringify!($model), data);
                round_trip::<Page<onenote_api::$model>>(concat!("Page<", stringify!($model), ">"), data);
            )*
        }
    };
}

models!(
    PrincipalType,
    Principal,
    Language,
    CreateClassNotebook,
    ClassNotebook,
    ClassNotebookUpdate,
    CopySectionsToContentLibrary,
    DistributePageToStudent,
    StudentPageCopy,
    ClassNotebookTransfer,
    ClassNotebookTransferBody,
    ExternalLink,
    OneNoteLinks,
    Notebook,
    CreateNotebook,
    CopyNotebook,
    OperationModel,
    OperationStatus,
    PageMetadata,
    PageLockUpdate,
    CopyPage,
    PatchContentCommand,
    PatchAction,
    PatchInsertPosition,
    UserRole,
    Permission,
    CreatePermission,
    SectionGroup,
    ParentSectionGroup,
    CreateSectionGroup,
    Section,
    CopySection,
    CreateSection,
    SiteMetadata,
    Identity,
    IdentitySet,
    GraphNotebook,
    GraphSectionGroup,
    GraphSection,
    GraphPageMetadata,
    GraphOperationModel,
    GraphUserRole,
);

fn round_trip<T>(name: &str, data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let direct = serde_json::from_slice::<T>(data);
    match onenote_api::fuzzing::decode_body::<T>(data, super::TOKEN) {
        Ok(value) => {
            assert!(
                direct.is_ok(),
                "{name}: the client decoded what serde_json refuses"
            );
            let text = serde_json::to_vec(&value)
                .unwrap_or_else(|e| panic!("{name}: {value:?} does not serialize: {e}"));
            let again = serde_json::from_slice::<T>(&text).unwrap_or_else(|e| {
                panic!(
                    "{name}: does not decode its own output {:?}: {e}",
                    String::from_utf8_lossy(&text)
                )
            });
            assert_eq!(again, value, "{name}: changed in a round trip");
        }
        Err(error) => {
            assert!(
                direct.is_err(),
                "{name}: the client refused what serde_json decodes: {error}"
            );
            assert_eq!(error.kind(), ErrorKind::Decode, "{name}: {error}");
            let text = error.to_string();
            assert!(
                !text.contains(['\n', '\r']),
                "{name}: the error is not one line: {text:?}"
            );
            super::assert_no_token(&error);
        }
    }
}
