//! Required, optional and nullable fields, maps, JSON, timestamps, lists and recursion.

use golden_objects::Node;

#[test]
fn required_nullable_and_optional_fields_round_trip() {
    let json = serde_json::json!({
        "id": "n_1", "object": "node", "created": 1700000000, "metadata": {"a": "1"}, "label": null,
        "attributes": {"anything": [1, 2]},
        "parent": {"id": "n_0", "object": "node", "created": 1, "metadata": {}, "label": "root"},
        "children": [],
        "settings": {"enabled": true},
        "history": {"object": "list", "data": [], "has_more": false, "url": "/v1/nodes"}
    });
    let node: Node = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(node.created.as_secs(), 1_700_000_000);
    assert_eq!(node.label, None);
    assert_eq!(node.parent.as_ref().unwrap().label.as_deref(), Some("root"));
    assert_eq!(node.settings.as_ref().unwrap().enabled, Some(true));
    assert_eq!(node.history.as_ref().unwrap().url, "/v1/nodes");
    // `label` is required and nullable: sent as null. `weight` may be absent: left out.
    let back = serde_json::to_value(&node).unwrap();
    assert_eq!(back, json);
    assert!(back.get("weight").is_none());
}

#[test]
fn a_missing_required_field_is_an_error() {
    let error = serde_json::from_value::<Node>(serde_json::json!({"id": "n_1", "object": "node"}))
        .unwrap_err();
    assert!(error.to_string().contains("missing field"), "{error}");
}
