use crate::mock::*;
use crate::types::{Capacity, ProviderInfo, ProviderStatus};
use crate::{Call, Error, Event, ProviderCount, Providers};

#[test]
fn a_provider_registers_with_a_bond_and_declaration() {
    let mut t = new_test_ext(test_params());
    t.execute_with(|ext| {
        let info = ProviderInfo {
            operator: declared("op-a"),
            zone: declared("eu-1"),
            capacity: Capacity {
                cpu_millis: 2_000,
                memory_mib: 512,
            },
            labels: vec![declared("gpu")].try_into().unwrap(),
        };
        let low = Call::register_provider {
            bond: 999,
            info: info.clone(),
        };
        assert_eq!(call(ext, 10, low), err(Error::BondTooLow));
        call(
            ext,
            10,
            Call::register_provider {
                bond: BOND,
                info: info.clone(),
            },
        )
        .unwrap();
        let again = Call::register_provider {
            bond: BOND,
            info: info.clone(),
        };
        assert_eq!(call(ext, 10, again), err(Error::AlreadyProvider));
        let provider = Providers::get(ext, &account(10)).unwrap();
        assert_eq!(provider.info, info);
        assert_eq!(provider.bond, BOND);
        assert_eq!(provider.status, ProviderStatus::Active);
        assert_eq!(provider.reliability, fixed("0.5"));
        assert_eq!(reserved(ext, 10), BOND);
        assert_eq!(ProviderCount::get(ext), 1);
        assert!(poe_events(ext).contains(&Event::ProviderRegistered {
            provider: account(10),
            bond: BOND
        }));
    });
}

#[test]
fn the_bond_returns_after_the_delay_and_once_no_assignment_is_open() {
    let mut params = test_params();
    params.unbonding_blocks = 2;
    let mut t = new_test_ext(params);
    t.execute_with(|ext| {
        let module = upload(ext, OWNER);
        register(ext, 10, "op", "z", BOND);
        assert_eq!(
            call(ext, 10, Call::withdraw_bond {}),
            err(Error::ProviderActive)
        );
        assert_eq!(
            call(ext, 11, Call::unregister_provider {}),
            err(Error::NotProvider)
        );
        let job = submit(ext, module, b"a", 1, 1_000);
        let engine = ScriptedEngine::honest(&[b"a"]);
        next_block(ext, Some(&engine)).unwrap();
        assert_eq!(executors(ext, job), vec![account(10)]);
        call(ext, 10, Call::unregister_provider {}).unwrap();
        assert!(poe_events(ext).contains(&Event::ProviderUnregistered {
            provider: account(10),
            release_at: 4
        }));
        assert_eq!(
            call(ext, 10, Call::unregister_provider {}),
            err(Error::ProviderLeaving)
        );
        assert_eq!(
            call(ext, 10, Call::withdraw_bond {}),
            err(Error::BondLocked)
        );
        run_to(ext, 4, Some(&engine));
        assert_eq!(
            call(ext, 10, Call::withdraw_bond {}),
            err(Error::AssignmentsOpen),
            "the job is still open"
        );
        // The provider never commits: slashed as a no-show once the job
        // settles (by re-execution, in block 6).
        run_to(ext, 6, Some(&engine));
        let left = Providers::get(ext, &account(10)).unwrap().bond;
        assert_eq!(left, BOND - BOND / 10);
        call(ext, 10, Call::withdraw_bond {}).unwrap();
        assert_eq!(reserved(ext, 10), 0);
        assert!(!Providers::contains_key(ext, &account(10)));
        assert_eq!(ProviderCount::get(ext), 0);
        assert!(poe_events(ext).contains(&Event::ProviderBondReleased {
            provider: account(10),
            amount: left
        }));
    });
}
