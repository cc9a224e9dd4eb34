use crate::mock::*;
use crate::{Call, Error, Event, ModuleCode, ModuleCodes, Modules};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;

fn upload_bytes(
    ext: &mut dyn entroos_support::Externalities,
    code: Vec<u8>,
) -> Result<(), entroos_primitives::dispatch::DispatchError> {
    call(
        ext,
        OWNER,
        Call::upload_module {
            code: ModuleCode::try_from(code).unwrap(),
        },
    )
}

#[test]
fn an_upload_is_stored_by_hash_with_its_deposit_reserved() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let code = job_module();
        let hash = upload(ext, OWNER);
        assert_eq!(hash, H256(blake2_256(&code)));
        let info = Modules::get(ext, &hash).unwrap();
        let deposit = 100 + code.len() as u128;
        assert_eq!(
            (info.owner, info.deposit, info.code_bytes),
            (account(OWNER), deposit, code.len() as u32)
        );
        assert_eq!(ModuleCodes::get(ext, &hash).unwrap().as_slice(), &code[..]);
        assert_eq!(reserved(ext, OWNER), deposit);
        assert!(poe_events(ext).contains(&Event::ModuleStored {
            module: hash,
            owner: account(OWNER),
            code_bytes: code.len() as u32,
            deposit
        }));
        assert_eq!(upload_bytes(ext, code), err(Error::ModuleExists));
    });
}

#[test]
fn uploads_outside_the_executors_rules_are_refused_with_typed_errors() {
    let mut params = test_params();
    params.max_module_bytes = 200;
    let mut t = new_test_ext(params);
    t.execute_with(|ext| {
        let cases: Vec<(Vec<u8>, Error)> = vec![
            (b"not wasm at all".to_vec(), Error::MalformedModule),
            (vec![0; 201], Error::ModuleTooLarge),
            (
                wasm_module(&[("wasi_snapshot_preview1", "clock_time_get", 3, 1)]),
                Error::ForbiddenImport,
            ),
            (
                wasm_module(&[("env", "fd_write", 4, 1)]),
                Error::ForbiddenImport,
            ),
            (
                wasm_module(&[("wasi_snapshot_preview1", "fd_write", 3, 1)]),
                Error::BadImportSignature,
            ),
        ];
        for (code, expected) in cases {
            assert_eq!(upload_bytes(ext, code), err(expected), "{expected:?}");
        }
        let mut truncated = job_module();
        truncated.pop();
        assert_eq!(upload_bytes(ext, truncated), err(Error::MalformedModule));
        assert_eq!(
            reserved(ext, OWNER),
            0,
            "nothing reserved for a refused upload"
        );
        assert_eq!(Modules::iter(ext).len(), 0);
    });
}

#[test]
fn a_module_is_removed_by_its_owner_once_no_job_names_it() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let hash = upload(ext, OWNER);
        for n in 10..13 {
            register(ext, n, &format!("op{n}"), &format!("z{n}"), BOND);
        }
        let job = submit(ext, hash, b"x", 3, 1_000);
        assert_eq!(
            call(ext, 2, Call::remove_module { module: hash }),
            err(Error::NotModuleOwner)
        );
        assert_eq!(
            call(ext, OWNER, Call::remove_module { module: hash }),
            err(Error::ModuleInUse)
        );
        let engine = ScriptedEngine::honest(&[b"x"]);
        next_block(ext, Some(&engine)).unwrap();
        for who in executors(ext, job) {
            let r = receipt(ext, job, &honest_outcome(b"x"));
            commit(ext, &who, &r).unwrap();
        }
        for who in executors(ext, job) {
            let r = receipt(ext, job, &honest_outcome(b"x"));
            reveal(ext, &who, &r).unwrap();
        }
        next_block(ext, Some(&engine)).unwrap();
        let before = reserved(ext, OWNER);
        call(ext, OWNER, Call::remove_module { module: hash }).unwrap();
        let deposit = 100 + job_module().len() as u128;
        assert_eq!(reserved(ext, OWNER), before - deposit);
        assert!(!Modules::contains_key(ext, &hash) && !ModuleCodes::contains_key(ext, &hash));
        assert!(poe_events(ext).contains(&Event::ModuleRemoved {
            module: hash,
            deposit
        }));
        assert_eq!(
            call(ext, OWNER, Call::remove_module { module: hash }),
            err(Error::UnknownModule)
        );
    });
}
