//! Metadata V15: it decodes with `frame-metadata`, describes every runtime
//! API method the runtime answers with the types it really takes and
//! returns, points its outer enums at the right types, and repeats V14's
//! pallets.

use codec::{Compact, Decode, Encode};
use entroos_primitives::crypto::{KeyScheme, KeyTypeId};
use entroos_primitives::version::api_id;
use entroos_primitives::Header;
use entroos_runtime::testing::TestChain;
use entroos_runtime::{api, executive, genesis, RuntimeCall, RuntimeError, UncheckedExtrinsic};
use entroos_support::dispatch::PalletError;
use entroos_support::hooks::{KeyGenerator, KeystoreError, OffchainContext, OffchainError};
use entroos_support::state::Externalities;
use frame_metadata::v14::RuntimeMetadataV14;
use frame_metadata::v15::RuntimeMetadataV15;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use scale_info::form::PortableForm;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive, Variant};
use std::collections::BTreeSet;

fn prefixed(bytes: &[u8]) -> RuntimeMetadataPrefixed {
    let prefixed = RuntimeMetadataPrefixed::decode(&mut &bytes[..]).unwrap();
    assert_eq!(prefixed.0, 0x6174656d, "magic 'meta'");
    prefixed
}

fn v15() -> RuntimeMetadataV15 {
    match prefixed(entroos_runtime::metadata::encoded_v15()).1 {
        RuntimeMetadata::V15(v15) => v15,
        other => panic!("V15 expected, got V{}", other.version()),
    }
}

fn v14() -> RuntimeMetadataV14 {
    match prefixed(entroos_runtime::metadata::encoded()).1 {
        RuntimeMetadata::V14(v14) => v14,
        other => panic!("V14 expected, got V{}", other.version()),
    }
}

fn path(types: &PortableRegistry, id: u32) -> String {
    types.resolve(id).unwrap().path.segments.join("::")
}

fn variants(types: &PortableRegistry, id: u32) -> &[Variant<PortableForm>] {
    match &types.resolve(id).unwrap().type_def {
        TypeDef::Variant(v) => &v.variants,
        other => panic!("type {id} is not an enum: {other:?}"),
    }
}

#[test]
fn metadata_api_serves_14_and_15() {
    let mut t = entroos_support::TestExternalities::default();
    t.execute_with(|ext| {
        let versions = api::call(ext, "Metadata_metadata_versions", &[], None).unwrap();
        let versions = Vec::<u32>::decode(&mut &versions[..]).unwrap();
        assert_eq!(versions, [14, 15]);
        for version in versions {
            let answer =
                api::call(ext, "Metadata_metadata_at_version", &version.encode(), None).unwrap();
            let bytes = Option::<Vec<u8>>::decode(&mut &answer[..])
                .unwrap()
                .unwrap();
            assert_eq!(prefixed(&bytes).1.version(), version);
            assert_eq!(
                Some(&bytes[..]),
                entroos_runtime::metadata::at_version(version)
            );
        }
        for unserved in [0, 13, 16, u32::MAX] {
            let answer = api::call(
                ext,
                "Metadata_metadata_at_version",
                &unserved.encode(),
                None,
            )
            .unwrap();
            assert_eq!(answer, [0], "version {unserved}");
        }
        let latest = api::call(ext, "Metadata_metadata", &[], None).unwrap();
        let latest = Vec::<u8>::decode(&mut &latest[..]).unwrap();
        assert_eq!(
            latest,
            entroos_runtime::metadata::encoded(),
            "V14 stays the default"
        );
    });
}

#[test]
fn every_runtime_api_method_is_described_under_its_substrate_name() {
    let md = v15();
    let described: Vec<String> = md
        .apis
        .iter()
        .flat_map(|a| {
            a.methods
                .iter()
                .map(move |m| format!("{}_{}", a.name, m.name))
        })
        .collect();
    assert_eq!(described, api::METHODS, "METHODS and the metadata disagree");
    let ids: Vec<[u8; 8]> = md.apis.iter().map(|a| api_id(&a.name)).collect();
    let versioned: Vec<[u8; 8]> = entroos_runtime::version()
        .apis
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        ids, versioned,
        "the APIs RuntimeVersion.apis lists, in order"
    );
    assert_eq!((md.apis.len(), described.len()), (10, 28));
    for api in &md.apis {
        assert!(!api.docs.is_empty(), "{} has docs", api.name);
        for method in &api.methods {
            assert!(
                !method.docs.is_empty(),
                "{}_{} has docs",
                api.name,
                method.name
            );
        }
    }
}

#[test]
fn signatures_are_substrates() {
    let md = v15();
    let signature = |api: &str, method: &str| {
        let api = md.apis.iter().find(|a| a.name == api).unwrap();
        let method = api.methods.iter().find(|m| m.name == method).unwrap();
        let inputs: Vec<(String, String)> = method
            .inputs
            .iter()
            .map(|i| (i.name.clone(), path(&md.types, i.ty.id)))
            .collect();
        (inputs, path(&md.types, method.output.id))
    };
    let pair = |name: &str, ty: &str| (name.to_string(), ty.to_string());
    assert_eq!(
        signature("AccountNonceApi", "account_nonce"),
        (
            vec![pair("account", "sp_core::crypto::AccountId32")],
            String::new()
        )
    );
    let (inputs, output) = signature("Metadata", "metadata_at_version");
    assert_eq!(inputs, [pair("version", "")]);
    assert_eq!(output, "Option");
    let (inputs, output) = signature("TransactionPaymentApi", "query_info");
    assert_eq!(
        inputs,
        [
            pair(
                "uxt",
                "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic"
            ),
            pair("len", "")
        ]
    );
    assert_eq!(
        output,
        "pallet_transaction_payment::types::RuntimeDispatchInfo"
    );
    let expected = [
        ("Core", "version", "sp_version::RuntimeVersion"),
        (
            "Core",
            "initialize_block",
            "sp_runtime::ExtrinsicInclusionMode",
        ),
        ("Metadata", "metadata", "sp_core::OpaqueMetadata"),
        (
            "BlockBuilder",
            "finalize_block",
            "sp_runtime::generic::header::Header",
        ),
        (
            "BlockBuilder",
            "check_inherents",
            "sp_inherents::CheckInherentsResult",
        ),
        (
            "TransactionPaymentApi",
            "query_fee_details",
            "pallet_transaction_payment::types::FeeDetails",
        ),
        (
            "EntropyApi",
            "slot_duration",
            "sp_consensus_slots::SlotDuration",
        ),
        (
            "EntropyApi",
            "current_epoch",
            "entroos_consensus_primitives::epoch::EpochInfo",
        ),
        (
            "EntropyApi",
            "finality_voters",
            "entroos_consensus_primitives::epoch::FinalityVoters",
        ),
        (
            "EntropyApi",
            "validators",
            "entroos_consensus_primitives::report::ValidatorsReport",
        ),
        (
            "EntropyApi",
            "diversity",
            "entroos_consensus_primitives::report::DiversityReport",
        ),
    ];
    for (api, method, output) in expected {
        assert_eq!(signature(api, method).1, output, "{api}_{method}");
    }
    let (inputs, _) = signature("Core", "execute_block");
    assert_eq!(inputs, [pair("block", "sp_runtime::generic::block::Block")]);
    let (inputs, _) = signature("TaggedTransactionQueue", "validate_transaction");
    assert_eq!(
        inputs,
        [
            pair(
                "source",
                "sp_runtime::transaction_validity::TransactionSource"
            ),
            pair(
                "tx",
                "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic"
            ),
            pair("block_hash", "primitive_types::H256")
        ]
    );
    let (inputs, _) = signature("BlockBuilder", "inherent_extrinsics");
    assert_eq!(inputs, [pair("inherent", "sp_inherents::InherentData")]);
}

struct NoOffchainEffects;

impl OffchainContext for NoOffchainEffects {
    fn submit_transaction(&mut self, _extrinsic: Vec<u8>) -> Result<(), OffchainError> {
        Ok(())
    }
    fn account_next_index(&self, _account: &[u8; 32]) -> Option<u32> {
        None
    }
    fn local_storage_get(&self, _key: &[u8]) -> Option<Vec<u8>> {
        None
    }
    fn local_storage_set(&mut self, _key: &[u8], _value: &[u8]) {}
    fn sr25519_public_keys(&self, _key_type: [u8; 4]) -> Vec<[u8; 32]> {
        Vec::new()
    }
    fn sr25519_sign(
        &self,
        _key_type: [u8; 4],
        _public: &[u8; 32],
        _message: &[u8],
    ) -> Result<[u8; 64], OffchainError> {
        Err(OffchainError::MissingKey)
    }
}

/// Keys derived from their key type: `//<key type>`.
struct DerivedKeys;

impl KeyGenerator for DerivedKeys {
    fn generate(
        &mut self,
        key_type: KeyTypeId,
        scheme: KeyScheme,
        _seed: Option<&str>,
    ) -> Result<[u8; 32], KeystoreError> {
        scheme
            .public_from_uri(&format!("//{key_type}"))
            .map_err(|e| KeystoreError {
                key_type,
                scheme,
                reason: e.to_string(),
            })
    }
}

/// Initializes the block after the head and applies its timestamp inherent.
fn start_block(ext: &mut dyn Externalities, chain: &TestChain) {
    let (now, slot) = chain.next_slot();
    let header = Header {
        parent_hash: chain.head.hash(),
        number: chain.head.number + 1,
        digest: chain.claim_digest(slot),
        ..Default::default()
    };
    executive::initialize_block(ext, &header).unwrap();
    let set = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now });
    executive::apply_extrinsic(ext, UncheckedExtrinsic::new_unsigned(set))
        .unwrap()
        .unwrap();
}

/// Every method, called with arguments built from its metadata inputs,
/// decodes them, and answers bytes that decode exactly as its metadata
/// output. A method whose arguments or answer differ from its description
/// fails here.
#[test]
fn every_method_takes_and_answers_what_the_metadata_describes() {
    let md = v15();
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let inherent =
        UncheckedExtrinsic::new_unsigned(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
            now: 1,
        }))
        .encode();
    let mut refused = Vec::new();
    for api in &md.apis {
        for method in &api.methods {
            let name = format!("{}_{}", api.name, method.name);
            let mut input = Vec::new();
            for param in &method.inputs {
                example(&md.types, param.ty.id, &inherent, &mut input);
            }
            let answer = chain.read(|ext| {
                if name == "BlockBuilder_finalize_block" {
                    start_block(ext, &chain);
                }
                let extensions = api::Extensions {
                    offchain: Some(&mut NoOffchainEffects),
                    keystore: Some(&mut DerivedKeys),
                    jobs: None,
                };
                api::call_with(ext, &name, &input, extensions)
            });
            match answer {
                Ok(bytes) => {
                    let mut rest = &bytes[..];
                    skip(&md.types, method.output.id, &mut rest)
                        .unwrap_or_else(|e| panic!("{name}'s answer: {e}"));
                    assert!(rest.is_empty(), "{name}: {} bytes left over", rest.len());
                }
                Err(e @ (RuntimeError::BadArguments { .. } | RuntimeError::UnknownApi(_))) => {
                    panic!("{name}: {e}")
                }
                Err(_) => refused.push(name),
            }
        }
    }
    // A zeroed block has no timestamp; everything else answers.
    assert_eq!(refused, ["Core_execute_block"]);
}

#[test]
fn outer_enums_are_the_runtime_call_event_and_error() {
    let md = v15();
    let outer = &md.outer_enums;
    assert_eq!(
        path(&md.types, outer.call_enum_ty.id),
        "entroos_runtime::RuntimeCall"
    );
    assert_eq!(
        path(&md.types, outer.event_enum_ty.id),
        "entroos_runtime::RuntimeEvent"
    );
    assert_eq!(
        path(&md.types, outer.error_enum_ty.id),
        "entroos_runtime::RuntimeError"
    );
    type Part = fn(&frame_metadata::v15::PalletMetadata<PortableForm>) -> Option<u32>;
    let parts: [(u32, Part); 3] = [
        (outer.call_enum_ty.id, |p| p.calls.as_ref().map(|c| c.ty.id)),
        (outer.event_enum_ty.id, |p| {
            p.event.as_ref().map(|e| e.ty.id)
        }),
        (outer.error_enum_ty.id, |p| {
            p.error.as_ref().map(|e| e.ty.id)
        }),
    ];
    for (outer_id, part) in parts {
        let expected: Vec<(String, u8, u32)> = md
            .pallets
            .iter()
            .filter_map(|p| part(p).map(|ty| (p.name.clone(), p.index, ty)))
            .collect();
        let actual: Vec<(String, u8, u32)> = variants(&md.types, outer_id)
            .iter()
            .map(|v| {
                assert_eq!(v.fields.len(), 1, "{}", v.name);
                (v.name.clone(), v.index, v.fields[0].ty.id)
            })
            .collect();
        assert_eq!(actual, expected, "{}", path(&md.types, outer_id));
    }
    assert!(md.custom.map.is_empty());
    assert_eq!(path(&md.types, md.ty.id), "entroos_runtime::Runtime");
}

#[test]
fn a_module_error_decodes_through_runtime_error() {
    let md = v15();
    let error = pallet_balances::Error::InsufficientBalance;
    let entroos_primitives::dispatch::DispatchError::Module(module) =
        error.into_module_error(entroos_runtime::constants::pallet_index::BALANCES)
    else {
        panic!("a module error")
    };
    let pallet = variants(&md.types, md.outer_enums.error_enum_ty.id)
        .iter()
        .find(|v| v.index == module.index)
        .unwrap();
    assert_eq!(pallet.name, "Balances");
    let errors = variants(&md.types, pallet.fields[0].ty.id);
    let named = errors.iter().find(|v| v.index == module.error[0]).unwrap();
    assert_eq!(named.name, error.name());
    let mut bytes = &module.encode()[..];
    skip(&md.types, md.outer_enums.error_enum_ty.id, &mut bytes).unwrap();
    assert!(bytes.iter().all(|b| *b == 0), "only the padding is left");
}

#[test]
fn the_extrinsic_types_are_the_unchecked_extrinsics_parameters() {
    let md = v15();
    let block_builder = md.apis.iter().find(|a| a.name == "BlockBuilder").unwrap();
    let apply = &block_builder.methods[0];
    let xt = md.types.resolve(apply.inputs[0].ty.id).unwrap();
    let param = |name: &str| {
        xt.type_params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.ty)
            .unwrap()
            .id
    };
    let e = &md.extrinsic;
    assert_eq!(e.version, 4);
    assert_eq!(e.address_ty.id, param("Address"));
    assert_eq!(e.call_ty.id, param("Call"));
    assert_eq!(e.signature_ty.id, param("Signature"));
    assert_eq!(e.extra_ty.id, param("Extra"));
    assert_eq!(e.call_ty.id, md.outer_enums.call_enum_ty.id);
    assert_eq!(
        path(&md.types, e.address_ty.id),
        "sp_runtime::multiaddress::MultiAddress"
    );
    assert_eq!(
        path(&md.types, e.signature_ty.id),
        "sp_runtime::MultiSignature"
    );
    let v14 = v14();
    let ids = |list: Vec<&str>| list.join(",");
    assert_eq!(
        ids(e
            .signed_extensions
            .iter()
            .map(|s| s.identifier.as_str())
            .collect()),
        ids(v14
            .extrinsic
            .signed_extensions
            .iter()
            .map(|s| s.identifier.as_str())
            .collect())
    );
}

/// A pallet as clients see it, independent of type ids.
fn pallet_outline(
    types: &PortableRegistry,
    name: &str,
    index: u8,
    storage: Option<&frame_metadata::v14::PalletStorageMetadata<PortableForm>>,
    constants: &[frame_metadata::v14::PalletConstantMetadata<PortableForm>],
    enums: [Option<u32>; 3],
) -> String {
    let storage: Vec<String> = storage
        .map(|s| {
            s.entries
                .iter()
                .map(|e| format!("{}:{:?}:{:?}:{:?}", e.name, e.modifier, e.default, e.docs))
                .collect()
        })
        .unwrap_or_default();
    let constants: Vec<String> = constants
        .iter()
        .map(|c| {
            format!(
                "{}={:?}:{}:{:?}",
                c.name,
                c.value,
                path(types, c.ty.id),
                c.docs
            )
        })
        .collect();
    let enums: Vec<String> = enums
        .iter()
        .map(|id| {
            id.map(|id| {
                let names: Vec<&str> = variants(types, id)
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect();
                format!("{}{names:?}", path(types, id))
            })
            .unwrap_or_default()
        })
        .collect();
    format!("{name}@{index} storage {storage:?} constants {constants:?} enums {enums:?}")
}

#[test]
fn v15_repeats_v14s_pallets_with_their_docs() {
    let (v14, v15) = (v14(), v15());
    // V14's and V15's pallet types differ only in V15's `docs`.
    macro_rules! outlines {
        ($md:expr) => {
            $md.pallets
                .iter()
                .map(|p| {
                    let enums = [
                        p.calls.as_ref().map(|c| c.ty.id),
                        p.event.as_ref().map(|e| e.ty.id),
                        p.error.as_ref().map(|e| e.ty.id),
                    ];
                    let storage = p.storage.as_ref();
                    pallet_outline(&$md.types, &p.name, p.index, storage, &p.constants, enums)
                })
                .collect::<Vec<String>>()
        };
    }
    let (outline14, outline15) = (outlines!(v14), outlines!(v15));
    assert_eq!(outline15, outline14);
    for pallet in &v15.pallets {
        assert!(!pallet.docs.is_empty(), "{} has docs", pallet.name);
    }
    let paths: BTreeSet<String> = v15
        .types
        .types
        .iter()
        .map(|t| t.ty.path.segments.join("::"))
        .collect();
    assert!(
        !paths.iter().any(|p| p.starts_with("entroos_primitives")),
        "every primitive type carries its Substrate path"
    );
}

/// Appends an encoded value of type `id`: the first variant of every enum,
/// empty sequences, zero numbers, and `extrinsic` for an extrinsic.
fn example(types: &PortableRegistry, id: u32, extrinsic: &[u8], out: &mut Vec<u8>) {
    let ty = types.resolve(id).unwrap();
    if ty.path.segments.last().map(String::as_str) == Some("UncheckedExtrinsic") {
        out.extend_from_slice(extrinsic);
        return;
    }
    match &ty.type_def {
        TypeDef::Composite(c) => {
            for field in &c.fields {
                example(types, field.ty.id, extrinsic, out);
            }
        }
        TypeDef::Variant(v) => {
            let first = v.variants.first().unwrap();
            out.push(first.index);
            for field in &first.fields {
                example(types, field.ty.id, extrinsic, out);
            }
        }
        TypeDef::Sequence(_) | TypeDef::Compact(_) | TypeDef::BitSequence(_) => out.push(0),
        TypeDef::Array(a) => {
            for _ in 0..a.len {
                example(types, a.type_param.id, extrinsic, out);
            }
        }
        TypeDef::Tuple(t) => {
            for field in &t.fields {
                example(types, field.id, extrinsic, out);
            }
        }
        TypeDef::Primitive(p) => out.extend(vec![0; primitive_len(p).unwrap_or(1)]),
    }
}

/// The encoded length of a fixed-size primitive.
fn primitive_len(p: &TypeDefPrimitive) -> Option<usize> {
    Some(match p {
        TypeDefPrimitive::Bool | TypeDefPrimitive::U8 | TypeDefPrimitive::I8 => 1,
        TypeDefPrimitive::U16 | TypeDefPrimitive::I16 => 2,
        TypeDefPrimitive::Char | TypeDefPrimitive::U32 | TypeDefPrimitive::I32 => 4,
        TypeDefPrimitive::U64 | TypeDefPrimitive::I64 => 8,
        TypeDefPrimitive::U128 | TypeDefPrimitive::I128 => 16,
        TypeDefPrimitive::U256 | TypeDefPrimitive::I256 => 32,
        TypeDefPrimitive::Str => return None,
    })
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
    if input.len() < n {
        return Err(format!("{n} bytes wanted, {} left", input.len()));
    }
    let (head, tail) = input.split_at(n);
    *input = tail;
    Ok(head)
}

fn compact_len(input: &mut &[u8]) -> Result<usize, String> {
    let len = Compact::<u32>::decode(input).map_err(|e| e.to_string())?;
    Ok(len.0 as usize)
}

/// Consumes one value of type `id` from `input`, as a metadata-driven
/// client decodes it.
fn skip(types: &PortableRegistry, id: u32, input: &mut &[u8]) -> Result<(), String> {
    let ty = types.resolve(id).ok_or(format!("no type {id}"))?;
    match &ty.type_def {
        TypeDef::Composite(c) => {
            for field in &c.fields {
                skip(types, field.ty.id, input)?;
            }
        }
        TypeDef::Variant(v) => {
            let index = take(input, 1)?[0];
            let variant = v
                .variants
                .iter()
                .find(|v| v.index == index)
                .ok_or(format!("{}: no variant {index}", ty.path))?;
            for field in &variant.fields {
                skip(types, field.ty.id, input)?;
            }
        }
        TypeDef::Sequence(s) => {
            for _ in 0..compact_len(input)? {
                skip(types, s.type_param.id, input)?;
            }
        }
        TypeDef::Array(a) => {
            for _ in 0..a.len {
                skip(types, a.type_param.id, input)?;
            }
        }
        TypeDef::Tuple(t) => {
            for field in &t.fields {
                skip(types, field.id, input)?;
            }
        }
        TypeDef::Primitive(TypeDefPrimitive::Bool) => {
            if take(input, 1)?[0] > 1 {
                return Err("bad bool".into());
            }
        }
        TypeDef::Primitive(TypeDefPrimitive::Str) => {
            let len = compact_len(input)?;
            std::str::from_utf8(take(input, len)?).map_err(|e| e.to_string())?;
        }
        TypeDef::Primitive(p) => {
            take(input, primitive_len(p).unwrap_or(0))?;
        }
        TypeDef::Compact(_) => {
            Compact::<u128>::decode(input).map_err(|e| e.to_string())?;
        }
        TypeDef::BitSequence(_) => return Err("bit sequences are not expected".into()),
    }
    Ok(())
}
