//! Hand-written (codegen never touches `generated/tests/`): generated params
//! structs encode exactly as Stripe expects, through the runtime's
//! deepObject form encoder.

use std::collections::BTreeMap;

use stripe::{
    CreateCustomerAddress, CreateCustomerParams, CreateCustomerShipping,
    CreateCustomerShippingAddress, CreateCustomerTaxExempt, CreatePaymentIntentCaptureMethod,
    CreatePaymentIntentParams,
};
use stripe_runtime::encode::{to_form, Unsettable};

#[test]
fn create_customer_params_encode_as_a_deep_object_form() {
    let params = CreateCustomerParams {
        address: Some(Unsettable::Set(CreateCustomerAddress {
            city: Some("Paris".into()),
            line1: Some("1 rue de Rivoli".into()),
            ..Default::default()
        })),
        description: Some("a & b".into()),
        expand: Some(vec!["default_source".into(), "tax".into()]),
        metadata: Some(Unsettable::Set(BTreeMap::from([
            ("order_id".to_owned(), "6735".to_owned()),
            ("note".to_owned(), String::new()),
        ]))),
        phone: None,
        preferred_locales: Some(vec!["fr".into(), "en".into()]),
        tax_exempt: Some(CreateCustomerTaxExempt::Reverse),
        ..Default::default()
    };
    assert_eq!(
        to_form(&params).unwrap(),
        "address%5Bcity%5D=Paris&address%5Bline1%5D=1+rue+de+Rivoli\
         &description=a+%26+b\
         &expand%5B0%5D=default_source&expand%5B1%5D=tax\
         &metadata%5Bnote%5D=&metadata%5Border_id%5D=6735\
         &preferred_locales%5B0%5D=fr&preferred_locales%5B1%5D=en\
         &tax_exempt=reverse"
    );
}

#[test]
fn unset_fields_send_an_empty_value() {
    let params = CreateCustomerParams {
        address: Some(Unsettable::Unset),
        metadata: Some(Unsettable::Unset),
        shipping: Some(Unsettable::Set(CreateCustomerShipping::new(
            CreateCustomerShippingAddress {
                country: Some("FR".into()),
                ..Default::default()
            },
            "Ada",
        ))),
        ..Default::default()
    };
    assert_eq!(
        to_form(&params).unwrap(),
        "address=&metadata=&shipping%5Baddress%5D%5Bcountry%5D=FR&shipping%5Bname%5D=Ada"
    );
    assert_eq!(to_form(&CreateCustomerParams::default()).unwrap(), "");
}

#[test]
fn required_fields_come_from_new_and_bools_encode_as_words() {
    let mut params = CreatePaymentIntentParams::new(2000, "eur");
    params.confirm = Some(true);
    params.error_on_requires_action = Some(false);
    params.capture_method = Some(CreatePaymentIntentCaptureMethod::Manual);
    assert_eq!(
        to_form(&params).unwrap(),
        "amount=2000&capture_method=manual&confirm=true&currency=eur&error_on_requires_action=false"
    );
}
