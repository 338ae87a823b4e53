//! `FromUrl`: a SharePoint site's ids from its URL, for indexed sites only.

use serde_json::json;

use super::request::{Call, Ctx, Reply};
use crate::error::ApiError;

/// `GET myOrganization/siteCollections/FromUrl(url='{url}')`.
pub(crate) fn from_url(ctx: &mut Ctx<'_>, call: &Call<'_>, url: &str) -> Result<Reply, ApiError> {
    let site = ctx
        .state
        .tenant()
        .find_site_by_url(url)
        .filter(|s| s.indexed)
        .ok_or_else(|| {
            ApiError::new(
                404,
                "20158",
                format!(
                    "No site metadata for '{url}': the site does not exist, or it has not been \
                     indexed yet (indexing a new site can take several hours)."
                ),
            )
        })?;
    let member = site
        .owners
        .iter()
        .chain(&site.members)
        .any(|u| u.eq_ignore_ascii_case(call.user));
    if !member {
        return Err(ApiError::access_denied(format!(
            "{} is not a member of the site {}.",
            call.user, site.url
        )));
    }
    Ok(Reply::json(
        200,
        json!({
            "@odata.context": ctx.context(call.version(), "Microsoft.OneNote.Api.SiteMetadata"),
            "siteCollectionId": site.site_collection_id,
            "siteId": site.site_id,
        }),
    ))
}
