//! Phase 5: every operation expanded once per location it is allowed at and once per mount of
//! its group, with each path parameter's origin: the route list every backend reads.

use crate::model::{
    ApiModel, LocationId, OperationModel, ParamOrigin, Part, PathTemplate, Root, Route, RouteParam,
    Segment,
};

use super::operations::OperationDraft;

/// The operations with their routes, in operation, location and mount order.
pub(super) fn expand(
    api: &ApiModel,
    drafts: Vec<OperationDraft>,
) -> (Vec<OperationModel>, Vec<Route>) {
    let notes_root = PathTemplate {
        segments: vec![Segment {
            parts: vec![Part::Literal(api.notes_root.clone())],
        }],
    };
    let mut operations = Vec::with_capacity(drafts.len());
    let mut routes = Vec::new();
    for (index, draft) in drafts.into_iter().enumerate() {
        let mut op = draft.model;
        let start = routes.len();
        let id = crate::model::OperationId(index);
        if op.root == Root::Version {
            for chain in &draft.chains {
                routes.push(Route {
                    operation: id,
                    location: None,
                    mount: None,
                    template: chain.full.clone(),
                    relative: chain.full.clone(),
                    params: chain.params.clone(),
                });
            }
        } else {
            for (location_index, location) in api.locations.iter().enumerate() {
                let location_id = LocationId(location_index);
                let allowed = op
                    .locations
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&location_id));
                if !allowed {
                    continue;
                }
                let root = location.path.join(&notes_root);
                for chain in &draft.chains {
                    let mut params: Vec<RouteParam> = location
                        .params
                        .iter()
                        .map(|param| RouteParam {
                            param: param.clone(),
                            origin: ParamOrigin::Location(location_id),
                        })
                        .collect();
                    params.extend(chain.params.iter().cloned());
                    routes.push(Route {
                        operation: id,
                        location: Some(location_id),
                        mount: chain.mount,
                        template: root.join(&chain.full),
                        relative: chain.full.clone(),
                        params,
                    });
                }
            }
        }
        op.routes = start..routes.len();
        operations.push(op);
    }
    (operations, routes)
}
