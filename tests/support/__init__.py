"""Helpers shared by the test suites (tests/ and property_tests/)."""
