//! Expandable fields, deleted objects and unions as users decode them.

use golden_polymorphic::{
    CardOptionsOrGenericOptions, CardOrBankAccount, Charge, CustomerOrDeletedCustomer, Resource,
};
use stripe_core::Expandable;

fn charge(json: serde_json::Value) -> Charge {
    serde_json::from_value(json).unwrap()
}

#[test]
fn an_expandable_field_is_an_id_or_the_object() {
    let c = charge(serde_json::json!({"id": "ch_1", "object": "charge", "card": "card_1"}));
    assert!(matches!(&c.card, Some(Expandable::Id(id)) if id == "card_1"));
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "card": {"id": "card_2", "object": "card"}}),
    );
    assert_eq!(c.card.as_ref().unwrap().id(), "card_2");
    assert!(c.card.unwrap().is_object());
}

#[test]
fn an_object_or_its_deleted_form_both_decode() {
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "customer": {"id": "cus_1", "object": "customer", "deleted": true}}),
    );
    let Some(Expandable::Object(customer)) = c.customer else {
        panic!("expanded")
    };
    assert!(matches!(
        *customer,
        CustomerOrDeletedCustomer::DeletedCustomer(_)
    ));
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "customer": {"id": "cus_1", "object": "customer"}}),
    );
    let Some(Expandable::Object(customer)) = c.customer else {
        panic!("expanded")
    };
    assert!(matches!(*customer, CustomerOrDeletedCustomer::Customer(_)));
}

#[test]
fn a_union_is_chosen_by_object_and_keeps_unknown_objects() {
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "source": {"id": "ba_1", "object": "bank_account"}}),
    );
    assert!(matches!(c.source, Some(CardOrBankAccount::BankAccount(_))));
    let unknown = serde_json::json!({"id": "src_1", "object": "source", "extra": 1});
    let c =
        charge(serde_json::json!({"id": "ch_1", "object": "charge", "source": unknown.clone()}));
    let Some(CardOrBankAccount::Unknown(kept)) = &c.source else {
        panic!("unknown kept")
    };
    assert_eq!(kept, &unknown);
    assert_eq!(serde_json::to_value(&c).unwrap()["source"], unknown);
}

#[test]
fn members_without_object_are_chosen_by_their_fields() {
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "options": {"capture_method": "manual"}}),
    );
    assert!(matches!(
        c.options,
        Some(CardOptionsOrGenericOptions::GenericOptions(_))
    ));
    let c = charge(
        serde_json::json!({"id": "ch_1", "object": "charge", "options": {"network": "visa"}}),
    );
    assert!(matches!(
        c.options,
        Some(CardOptionsOrGenericOptions::CardOptions(_))
    ));
}

#[test]
fn any_resource_decodes_by_object() {
    let r: Resource = serde_json::from_value(
        serde_json::json!({"id": "cus_1", "object": "customer", "deleted": true}),
    )
    .unwrap();
    assert_eq!(r.resource_id(), Some("deleted_customer"));
}
