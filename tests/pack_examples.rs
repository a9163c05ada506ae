//! The built-in packs' `examples` and `counterexamples`: a normal start does not check
//! them (they cannot change after the build), so this test does, for every built-in
//! pack. A pack on disk is still checked whenever it loads.

use crate::common;
use nianbao::Pack;

#[test]
fn every_builtin_pack_recognises_its_examples() {
    let names = nianbao::pack::builtin_names();
    assert!(names.contains(&"national"), "the national pack is built in");
    for name in names {
        if let Err(e) = Pack::builtin_with_examples(name) {
            panic!("built-in pack {name}: {e:?}");
        }
    }
}

/// The check is really done for packs on disk: a pack whose example is not
/// recognised does not load.
#[test]
fn a_pack_on_disk_is_checked_when_it_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::one_rule_pack(dir.path(), r#"["甲乙"]"#, Some(r#"["丙丁"]"#));
    let err = match Pack::from_dir(dir.path()) {
        Ok(_) => panic!("a pack whose example is not recognised must not load"),
        Err(e) => e,
    };
    assert!(
        format!("{err:?}").contains("示例没有被此规则识别"),
        "{err:?}"
    );
    // Without the broken example it loads.
    common::one_rule_pack(dir.path(), r#"["甲乙"]"#, Some(r#"["甲乙"]"#));
    assert!(Pack::from_dir(dir.path()).is_ok());
}

/// A `date_check` that reads `words` (plan_year, carry_year) without them does not
/// load: the error names the check and shows an example of the words.
#[test]
fn a_date_check_without_its_words_does_not_load() {
    for (check, example) in [("plan_year", "计划"), ("carry_year", "结转")] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("pack.toml"),
            "[pack]\nname = \"t\"\nextends = \"national\"\n",
        )
        .expect("write");
        let rule = |words: &str| {
            format!(
                "[[date_check]]\nid = \"D901\"\ncheck = \"{check}\"\nseverity = \"warning\"\n\
                 summary = \"测试\"\ndescription = \"测试\"\nexample = \"甲乙\"\n{words}"
            )
        };
        std::fs::write(dir.path().join("rules.toml"), rule("")).expect("write");
        let err = match Pack::from_dir(dir.path()) {
            Ok(_) => panic!("{check} without words must not load"),
            Err(e) => format!("{e:?}"),
        };
        assert!(
            err.contains(&format!("{check} 检查需要 words")) && err.contains(example),
            "{err}"
        );
        std::fs::write(dir.path().join("rules.toml"), rule("words = '计划|结转'\n"))
            .expect("write");
        assert!(
            Pack::from_dir(dir.path()).is_ok(),
            "{check} with words loads"
        );
    }
}
