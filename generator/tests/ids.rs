//! Which ids get a type of their own: a resource's `id` and its deleted
//! form's (by the `object` both carry), and each path parameter whose
//! path, up to it, is the `GET` of a resource (test helpers' paths too);
//! other fields stay strings. The spec below is written for this test.

mod common;

use stripe_codegen::build_model;
use stripe_codegen::model::{Model, TypeId, TypeRef};
use stripe_codegen::parse::policy::Policy;

const SPEC: &str = "
openapi: 3.0.0
info: {title: ids, version: '2024-01-01'}
paths:
  /v1/customers/{customer}:
    get:
      operationId: GetCustomersCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}}
    delete:
      operationId: DeleteCustomersCustomer
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/deleted_customer'}}}}}
  /v1/customers/{customer}/notes/{note}:
    get:
      operationId: GetCustomersCustomerNotesNote
      parameters:
        - {name: customer, in: path, required: true, schema: {type: string}}
        - {name: note, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/note'}}}}}
  /v1/test_helpers/customers/{customer}/fund:
    post:
      operationId: PostTestHelpersCustomersCustomerFund
      parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}}
components:
  schemas:
    customer:
      type: object
      x-resourceId: customer
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        default_note: {type: string}
    deleted_customer:
      type: object
      x-resourceId: deleted_customer
      required: [id, object, deleted]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        deleted: {type: boolean, enum: [true]}
    note:
      type: object
      x-resourceId: note
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [note]}
";

fn model() -> Model {
    build_model(&common::spec_of("ids.yaml", SPEC), &Policy::default()).unwrap()
}

fn type_named(model: &Model, wire: &str) -> TypeId {
    TypeId(
        model
            .types
            .iter()
            .position(|t| t.wire_name == wire)
            .unwrap(),
    )
}

fn field_type(model: &Model, wire: &str, field: &str) -> TypeRef {
    common::field_of(model, wire, field).ty.clone()
}

fn path_param_types(model: &Model, operation_id: &str) -> Vec<(String, TypeRef)> {
    let operation = model
        .operations
        .iter()
        .find(|op| op.operation_id == operation_id)
        .unwrap();
    operation
        .path_params
        .iter()
        .map(|p| (p.wire_name.clone(), p.ty.clone()))
        .collect()
}

#[test]
fn a_resource_and_its_deleted_form_share_one_id_type() {
    let model = model();
    let customer = TypeRef::Id(type_named(&model, "customer"));
    assert_eq!(field_type(&model, "customer", "id"), customer);
    assert_eq!(field_type(&model, "deleted_customer", "id"), customer);
    assert_eq!(
        field_type(&model, "note", "id"),
        TypeRef::Id(type_named(&model, "note"))
    );
    // A field named like a resource is not taken for its id.
    assert_eq!(
        field_type(&model, "customer", "default_note"),
        TypeRef::String
    );
}

#[test]
fn path_parameters_take_the_id_of_what_the_path_up_to_them_retrieves() {
    let model = model();
    let customer = TypeRef::Id(type_named(&model, "customer"));
    let note = TypeRef::Id(type_named(&model, "note"));
    assert_eq!(
        path_param_types(&model, "GetCustomersCustomerNotesNote"),
        [
            ("customer".to_owned(), customer.clone()),
            ("note".to_owned(), note)
        ]
    );
    assert_eq!(
        path_param_types(&model, "DeleteCustomersCustomer"),
        [("customer".to_owned(), customer.clone())]
    );
    assert_eq!(
        path_param_types(&model, "PostTestHelpersCustomersCustomerFund"),
        [("customer".to_owned(), customer)]
    );
}
