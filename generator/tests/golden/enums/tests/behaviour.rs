//! What the generated enums promise their users.

use golden_enums::{Widget, WidgetCancellationReason, WidgetStatus};

#[test]
fn unknown_values_are_kept_and_sent_back_unchanged() {
    let json = r#"{"id":"w_1","object":"widget","status":"brand_new_state","type":"t","cancellation_reason":null}"#;
    let widget: Widget = serde_json::from_str(json).unwrap();
    assert_eq!(
        widget.status,
        WidgetStatus::Unknown("brand_new_state".into())
    );
    assert_eq!(widget.status.as_str(), "brand_new_state");
    // Unchanged as JSON: the fixed `object` is written first, from the
    // type's constant, wherever it came.
    let back = serde_json::to_value(&widget).unwrap();
    assert_eq!(
        back,
        serde_json::from_str::<serde_json::Value>(json).unwrap()
    );
}

#[test]
fn names_are_resolved_and_wire_values_kept() {
    assert_eq!(
        WidgetStatus::from("3ds_required"),
        WidgetStatus::V3dsRequired
    );
    assert_eq!(WidgetStatus::from("foo-bar"), WidgetStatus::FooBar);
    assert_eq!(WidgetStatus::from("foo_bar"), WidgetStatus::FooBar2);
    assert_eq!(WidgetStatus::FooBar2.as_str(), "foo_bar");
    assert_eq!(WidgetStatus::from("unknown"), WidgetStatus::UnknownValue);
    assert_eq!(WidgetStatus::RequiresInput.to_string(), "requires_input");
}

#[test]
fn a_nullable_enum_without_null_in_its_values_is_optional() {
    let json = r#"{"id":"w_1","object":"widget","status":"processing","type":"t","cancellation_reason":"expired"}"#;
    let widget: Widget = serde_json::from_str(json).unwrap();
    assert_eq!(
        widget.cancellation_reason,
        Some(WidgetCancellationReason::Expired)
    );
    assert_eq!(widget.type_, "t");
}
