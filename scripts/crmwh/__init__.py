"""Python helpers of the CRM analytics warehouse (generator, build, validation)."""
