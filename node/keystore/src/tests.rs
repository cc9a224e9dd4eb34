use super::*;
use entroos_primitives::crypto::key_types::known::AURA;
use std::os::unix::fs::PermissionsExt;

const GRAN: KeyTypeId = KeyTypeId(*b"gran");

fn alice_sr() -> [u8; 32] {
    sr25519::Pair::from_uri("//Alice").unwrap().public()
}

fn alice_ed() -> [u8; 32] {
    ed25519::Pair::from_uri("//Alice").unwrap().public()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn err<T>(result: Result<T, KeystoreError>) -> KeystoreError {
    match result {
        Ok(_) => panic!("an error was expected"),
        Err(error) => error,
    }
}

fn store() -> (tempfile::TempDir, Keystore) {
    let base = tempfile::tempdir().unwrap();
    let keystore = Keystore::open(base.path().join("chains/dev/keystore"));
    (base, keystore)
}

#[test]
fn insert_writes_substrates_file_privately_and_reads_it_back() {
    let (_base, keystore) = store();
    keystore.insert(AURA, "//Alice", &alice_sr()).unwrap();
    let file = keystore
        .dir()
        .join(format!("61757261{}", hex::encode(alice_sr())));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "\"//Alice\"");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(keystore.dir()), 0o700);
    assert!(keystore.has(AURA, &alice_sr()).unwrap());
    assert!(
        !keystore.has(GRAN, &alice_sr()).unwrap(),
        "another key type"
    );
    assert!(!keystore.has(AURA, &alice_ed()).unwrap());
    assert!(!keystore.has(AURA, &[1, 2, 3]).unwrap(), "not a public key");
    let pair = keystore.sr25519_pair(AURA, &alice_sr()).unwrap().unwrap();
    assert_eq!(pair.public(), alice_sr());
    assert_eq!(keystore.public_keys(AURA).unwrap(), [alice_sr()]);
    let names: Vec<_> = std::fs::read_dir(keystore.dir()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

#[test]
fn a_fresh_keystore_reads_what_another_wrote() {
    let (_base, writer) = store();
    writer.insert(GRAN, "//Alice", &alice_ed()).unwrap();
    let reader = Keystore::open(writer.dir());
    assert!(reader.has(GRAN, &alice_ed()).unwrap());
    let pair = reader.ed25519_pair(GRAN, &alice_ed()).unwrap().unwrap();
    assert_eq!(pair.public(), alice_ed());
    assert!(matches!(
        reader.sr25519_pair(GRAN, &alice_ed()),
        Err(KeystoreError::FileMismatch {
            scheme: "sr25519",
            ..
        })
    ));
}

#[test]
fn a_uri_that_does_not_derive_the_public_key_writes_nothing() {
    let (_base, keystore) = store();
    let bob = sr25519::Pair::from_uri("//Bob").unwrap().public();
    let error = keystore.insert(AURA, "//Alice", &bob).unwrap_err();
    assert!(
        matches!(&error, KeystoreError::Mismatch { public } if *public == hex::encode(bob)),
        "{error:?}"
    );
    assert!(matches!(
        keystore.insert(AURA, "not a phrase", &bob),
        Err(KeystoreError::Uri(_))
    ));
    assert!(matches!(
        keystore.insert(AURA, "//Alice", &[0; 31]),
        Err(KeystoreError::PublicLength(31))
    ));
    assert!(!keystore.dir().exists(), "nothing was written");
}

#[test]
fn generated_keys_are_stored_as_phrases() {
    let (_base, keystore) = store();
    let sr = keystore.generate(AURA, KeyScheme::Sr25519).unwrap();
    let ed = keystore.generate(GRAN, KeyScheme::Ed25519).unwrap();
    assert_ne!(sr, keystore.generate(AURA, KeyScheme::Sr25519).unwrap());
    assert!(keystore.sr25519_pair(AURA, &sr).unwrap().is_some());
    assert!(keystore.ed25519_pair(GRAN, &ed).unwrap().is_some());
    let file = keystore.dir().join(files::name(AURA, &sr));
    let phrase: String = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(phrase.split(' ').count(), 12, "{phrase}");
    assert_eq!(keystore.public_keys(AURA).unwrap().len(), 2);
}

#[test]
fn keys_from_a_seed_stay_in_memory() {
    let (_base, keystore) = store();
    let public = keystore
        .generate_from_seed(AURA, KeyScheme::Sr25519, "//Alice")
        .unwrap();
    assert_eq!(public, alice_sr());
    assert!(keystore.has(AURA, &public).unwrap());
    assert!(keystore.sr25519_pair(AURA, &public).unwrap().is_some());
    assert_eq!(keystore.public_keys(AURA).unwrap(), [public]);
    assert!(!keystore.dir().exists(), "never written");
    assert!(!Keystore::open(keystore.dir()).has(AURA, &public).unwrap());
}

#[test]
fn has_all_needs_every_key() {
    let (_base, keystore) = store();
    keystore.insert(AURA, "//Alice", &alice_sr()).unwrap();
    let alice = (alice_sr().to_vec(), AURA);
    let bob = (
        sr25519::Pair::from_uri("//Bob").unwrap().public().to_vec(),
        AURA,
    );
    assert!(keystore.has_all(std::slice::from_ref(&alice)).unwrap());
    assert!(!keystore.has_all(&[alice, bob]).unwrap());
    assert!(keystore.has_all(&[]).unwrap());
}

#[test]
fn listing_skips_other_names_and_a_missing_directory_is_empty() {
    let (_base, keystore) = store();
    assert_eq!(keystore.public_keys(AURA).unwrap(), Vec::<[u8; 32]>::new());
    keystore
        .insert(
            AURA,
            "//Bob",
            &sr25519::Pair::from_uri("//Bob").unwrap().public(),
        )
        .unwrap();
    keystore.insert(AURA, "//Alice", &alice_sr()).unwrap();
    keystore.insert(GRAN, "//Alice", &alice_ed()).unwrap();
    for junk in ["README", "61757261abcd", ".tmp-61757261"] {
        std::fs::write(keystore.dir().join(junk), "\"x\"").unwrap();
    }
    let mut expected = vec![
        alice_sr(),
        sr25519::Pair::from_uri("//Bob").unwrap().public(),
    ];
    expected.sort();
    assert_eq!(keystore.public_keys(AURA).unwrap(), expected);
    assert_eq!(keystore.public_keys(GRAN).unwrap(), [alice_ed()]);
}

#[test]
fn bad_files_are_typed_errors_naming_the_file() {
    let (_base, keystore) = store();
    keystore.insert(AURA, "//Alice", &alice_sr()).unwrap();
    let file = keystore.dir().join(files::name(AURA, &alice_sr()));
    let named = |error: KeystoreError| {
        assert!(
            error.to_string().contains(&file.display().to_string()),
            "{error}"
        );
        error
    };
    std::fs::write(&file, "//Alice").unwrap();
    let error = named(keystore.has(AURA, &alice_sr()).unwrap_err());
    assert!(matches!(error, KeystoreError::NotJson { .. }), "{error:?}");
    std::fs::write(&file, "[\"//Alice\"]").unwrap();
    assert!(matches!(
        named(err(keystore.sr25519_pair(AURA, &alice_sr()))),
        KeystoreError::NotJson { .. }
    ));
    std::fs::write(&file, "\"not a phrase\"").unwrap();
    assert!(matches!(
        named(err(keystore.sr25519_pair(AURA, &alice_sr()))),
        KeystoreError::Secret { .. }
    ));
    assert!(matches!(
        named(keystore.has(AURA, &alice_sr()).unwrap_err()),
        KeystoreError::Secret { .. }
    ));
    std::fs::write(&file, "\"//Bob\"").unwrap();
    assert!(matches!(
        named(err(keystore.sr25519_pair(AURA, &alice_sr()))),
        KeystoreError::FileMismatch { .. }
    ));
    assert!(matches!(
        named(keystore.has(AURA, &alice_sr()).unwrap_err()),
        KeystoreError::FileMismatch { .. }
    ));
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    assert!(matches!(
        named(keystore.has(AURA, &alice_sr()).unwrap_err()),
        KeystoreError::Read { .. }
    ));
}

#[test]
fn a_directory_that_cannot_be_listed_is_an_error_naming_it() {
    let base = tempfile::tempdir().unwrap();
    let not_a_dir = base.path().join("keystore");
    std::fs::write(&not_a_dir, "").unwrap();
    let keystore = Keystore::open(&not_a_dir);
    let error = keystore.public_keys(AURA).unwrap_err();
    assert!(matches!(error, KeystoreError::Dir { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("cannot read the keystore directory {}", not_a_dir.display())
    );
    assert!(matches!(
        keystore.insert(AURA, "//Alice", &alice_sr()),
        Err(KeystoreError::Write { .. })
    ));
}

#[test]
fn a_removed_key_file_stops_the_cached_pair() {
    let (_base, keystore) = store();
    keystore.insert(AURA, "//Alice", &alice_sr()).unwrap();
    assert!(keystore.sr25519_pair(AURA, &alice_sr()).unwrap().is_some());
    std::fs::remove_file(keystore.dir().join(files::name(AURA, &alice_sr()))).unwrap();
    assert!(keystore.sr25519_pair(AURA, &alice_sr()).unwrap().is_none());
}

#[test]
fn inserting_again_replaces_the_file_atomically() {
    let (_base, keystore) = store();
    let phrase = entroos_primitives::crypto::DEV_PHRASE;
    let public = sr25519::Pair::from_uri(&format!("{phrase}//Alice"))
        .unwrap()
        .public();
    assert_eq!(public, alice_sr(), "the same key, spelled two ways");
    keystore.insert(AURA, "//Alice", &public).unwrap();
    keystore
        .insert(AURA, &format!("{phrase}//Alice"), &public)
        .unwrap();
    let file = keystore.dir().join(files::name(AURA, &public));
    let uri: String = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(uri, format!("{phrase}//Alice"));
    assert_eq!(mode(&file), 0o600);
}
