//! Misuse the generated types forbid, as rustdoc doctests (`cargo test -p tests --doc`).
//!
//! Each file in `tests/compile-fail/` has a `compile_fail,E0599` block, the misuse, and a
//! `no_run` block that must compile: the misuse's receiver, and the same call with the same
//! arguments where the API allows it. So the only way the first block can fail is that the one
//! call does not exist there. Stable rustdoc checks that the block fails; nightly rustdoc also
//! checks the error code (E0599, "no method found"). Neither depends on rustc's wording or on
//! how the generated types are named.

/// `update_membership` on `me`.
#[doc = include_str!("../compile-fail/update_membership_on_me.md")]
pub struct UpdateMembershipOnMe;

/// `update_membership` on another user.
#[doc = include_str!("../compile-fail/update_membership_on_user.md")]
pub struct UpdateMembershipOnUser;

/// `$expand` on the permissions list.
#[doc = include_str!("../compile-fail/expand_on_permissions.md")]
pub struct ExpandOnPermissions;

/// `respond_async` on transfer.
#[doc = include_str!("../compile-fail/transfer_has_no_synchronous_form.md")]
pub struct TransferHasNoSynchronousForm;

/// `max_bytes` on a JSON request.
#[doc = include_str!("../compile-fail/max_bytes_on_a_json_request.md")]
pub struct MaxBytesOnAJsonRequest;

/// `respond_async` on a copy.
#[doc = include_str!("../compile-fail/copy_has_no_asynchronous_switch.md")]
pub struct CopyHasNoAsynchronousSwitch;

/// Class notebooks on Microsoft Graph.
#[doc = include_str!("../compile-fail/class_notebooks_on_graph.md")]
pub struct ClassNotebooksOnGraph;

/// Permissions on Microsoft Graph.
#[doc = include_str!("../compile-fail/permissions_on_graph.md")]
pub struct PermissionsOnGraph;

/// A page lock on Microsoft Graph.
#[doc = include_str!("../compile-fail/page_lock_on_graph.md")]
pub struct PageLockOnGraph;
