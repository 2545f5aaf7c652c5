//! A response's `object` that its schema fixes is not stored: the model
//! says `TypeRef::ObjectName`, which render makes the type's `OBJECT`
//! constant, checked when decoded. An `object` the schema leaves open,
//! optional or nullable stays a string field. The spec below is written
//! for this test.

mod common;

use stripe_codegen::build_model;
use stripe_codegen::model::TypeRef;
use stripe_codegen::parse::policy::Policy;

const SPEC: &str = "
openapi: 3.0.0
info: {title: objects, version: '2024-01-01'}
paths:
  /v1/notes:
    get:
      operationId: GetNotes
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/note'}}}}}
  /v1/tags:
    get:
      operationId: GetTags
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/tag'}}}}}
  /v1/labels:
    get:
      operationId: GetLabels
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/label'}}}}}
components:
  schemas:
    note:
      type: object
      x-resourceId: note
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [note]}
    tag:
      type: object
      x-resourceId: tag
      required: [id]
      properties:
        id: {type: string}
        object: {type: string, enum: [tag]}
    label:
      type: object
      x-resourceId: label
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string}
";

#[test]
fn a_required_object_fixed_to_one_name_is_the_types_constant() {
    let model = build_model(&common::spec_of("objects.yaml", SPEC), &Policy::default()).unwrap();
    assert_eq!(
        common::field_of(&model, "note", "object").ty,
        TypeRef::ObjectName
    );
    // Absent is allowed, so there is something to store: whether it came.
    let optional = common::field_of(&model, "tag", "object");
    assert_eq!((&optional.ty, optional.required), (&TypeRef::String, false));
    // Any name: the value is data.
    assert_eq!(
        common::field_of(&model, "label", "object").ty,
        TypeRef::String
    );
}
