"""The profile's merge patches agree with the code and apply to the HSDS schemas."""

from __future__ import annotations

from plainsight.directory import hsds, profile


def test_patches_declare_exactly_the_profile_columns():
    for table, columns in hsds.PROFILE_FIELDS.items():
        patch = profile.patch_for(f"{table}.json")
        declared = patch.get("properties", {})
        assert set(declared) == set(columns), table
        for name, json_type in columns.items():
            assert declared[name]["type"] == json_type, (table, name)
            assert declared[name]["description"]


def test_enums_in_patches_match_the_model_choices():
    for spec in hsds.table_specs().values():
        patch = profile.patch_for(spec.schema_file).get("properties", {})
        for column in spec.columns:
            if column.profile and column.choices:
                assert patch[column.name]["enum"] == list(column.choices), column.name


def test_patched_schemas_keep_hsds_and_add_the_profile():
    location = profile.patched_schema("location.json")
    assert location["required"] == ["id", "location_type"]
    assert location["properties"]["confidential"]["type"] == "boolean"
    assert "latitude" in location["properties"]


def test_merge_patch_follows_rfc_7386():
    assert profile.merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}) == {
        "a": 1,
        "b": {"d": 3},
    }
