//! Phase 1: the "api" section: base URL, versions, the notes root and the locations.

use crate::diagnostics::did_you_mean;
use crate::json::Pos;
use crate::model::{ApiModel, Host, LocationModel, VersionModel};
use crate::names::{Case, ident};
use crate::spec::{self, Spanned, SpecFile};
use crate::template::is_literal_segment;

use super::checker::{Checker, spec_claim};
use super::names::Scope;
use super::names::taken_by;

/// Finds the one "api" section and checks it.
pub(super) fn check(cx: &mut Checker, files: &[(String, SpecFile)]) -> Option<ApiModel> {
    let mut declared = files
        .iter()
        .filter_map(|(file, spec)| spec.api.as_ref().map(|api| (file, api)));
    let Some((file, api)) = declared.next() else {
        if !cx.incomplete {
            let file = files.first().map(|(f, _)| f.as_str()).unwrap_or("spec");
            cx.error(
                file,
                Pos { line: 1, column: 1 },
                "no spec file has an \"api\" section: add one (base URL, versions, locations)",
            );
        }
        return None;
    };
    for (other, second) in declared {
        cx.error(
            other,
            second.pos,
            format!(
                "a second \"api\" section; the first is at {file}:{}: keep one",
                api.pos
            ),
        );
    }
    let api_pos = api.pos;
    let api = &api.value;
    cx.broken_locations = !api.locations.broken.is_empty() || !api.versions.broken.is_empty();

    base_url(cx, file, &api.base_url);
    let versions = versions(cx, file, api);
    let default_version = default_version(cx, file, api, &versions);
    if !is_literal_segment(&api.notes_root.value) {
        cx.error(
            file,
            api.notes_root.pos,
            format!(
                "notes root \"{}\" must be one literal path segment",
                api.notes_root.value
            ),
        );
    }
    cx.claim_root(
        file,
        api_pos,
        "Version",
        "the version enum of the \"api\" section",
    );
    cx.claim_root(
        file,
        api_pos,
        "DEFAULT_BASE_URL",
        "the base URL constant of the \"api\" section",
    );
    let locations: Vec<LocationModel> = api
        .locations
        .iter()
        .filter_map(|(key, location)| self::location(cx, file, key, &location.value))
        .collect();
    if api.locations.entries.is_empty() && !cx.broken_locations {
        cx.error(
            file,
            api_pos,
            "the API has no \"locations\": add at least one",
        );
    }

    Some(ApiModel {
        source: file.clone(),
        doc: api.doc.clone(),
        base_url: api.base_url.value.clone(),
        versions,
        default_version: default_version.unwrap_or(0),
        notes_root: api.notes_root.value.clone(),
        locations,
        service: crate::model::Service::OneNote,
    })
}

fn base_url(cx: &mut Checker, file: &str, base: &Spanned<String>) {
    if !(base.value.starts_with("https://") || base.value.starts_with("http://"))
        || base.value.ends_with('/')
    {
        cx.error(
            file,
            base.pos,
            format!(
                "base URL \"{}\" must be an absolute http(s) URL without a trailing `/`",
                base.value
            ),
        );
    }
}

fn versions(cx: &mut Checker, file: &str, api: &spec::Api) -> Vec<VersionModel> {
    let mut versions: Vec<VersionModel> = Vec::new();
    for (key, version) in api.versions.iter() {
        let Some(variant) = ident(&key.value, Case::Pascal) else {
            cx.error(
                file,
                key.pos,
                format!("version \"{}\" has no letters or digits", key.value),
            );
            continue;
        };
        if !is_literal_segment(&key.value) {
            cx.error(
                file,
                key.pos,
                format!(
                    "version \"{}\" must be one path segment of letters, digits and -._~",
                    key.value
                ),
            );
            continue;
        }
        if let Some(first) = versions.iter().find(|v| v.variant == variant) {
            cx.error(
                file,
                key.pos,
                format!(
                    "versions \"{}\" and \"{}\" both become `Version::{variant}`: remove one",
                    first.segment, key.value
                ),
            );
            continue;
        }
        versions.push(VersionModel {
            segment: key.value.clone(),
            variant,
            doc: version.value.doc.clone(),
        });
    }
    versions
}

fn default_version(
    cx: &mut Checker,
    file: &str,
    api: &spec::Api,
    versions: &[VersionModel],
) -> Option<usize> {
    let default = &api.default_version;
    let found = versions.iter().position(|v| v.segment == default.value);
    if found.is_none() && !cx.broken_locations {
        let suggestion = did_you_mean(&default.value, versions.iter().map(|v| v.segment.as_str()));
        cx.error(
            file,
            default.pos,
            format!(
                "default version \"{}\" is not one of \"versions\"{suggestion}",
                default.value
            ),
        );
    }
    found
}

/// One location: its marker type, its accessor on the client, its path and parameters.
fn location(
    cx: &mut Checker,
    file: &str,
    key: &Spanned<String>,
    location: &spec::Location,
) -> Option<LocationModel> {
    let accessor = cx.canonical(file, key, Case::Snake, "location key")?;
    let marker = ident(&key.value, Case::Pascal).unwrap_or_default();
    cx.claim_root(
        file,
        key.pos,
        &marker,
        &format!("the marker type of location \"{}\"", key.value),
    );
    let what = format!("the accessor of location \"{}\"", key.value);
    if let Err(first) = cx.names.claim(
        Scope::Methods(Host::Client),
        &accessor,
        spec_claim(file, key.pos, &what),
    ) {
        cx.error(
            file,
            key.pos,
            format!(
                "location \"{}\" makes the method `Client::{accessor}`, {}: rename the location",
                key.value,
                taken_by(&first)
            ),
        );
    }
    let path = cx.path(file, &location.path)?;
    if path.is_empty() {
        cx.error(
            file,
            location.path.pos,
            "a location path cannot be empty: write the segments after the version",
        );
        return None;
    }
    let params = cx.params_exactly(file, &location.path, &path, &location.params, "location");
    Some(LocationModel {
        key: key.value.clone(),
        marker,
        accessor,
        doc: location.doc.clone(),
        path,
        params,
    })
}
