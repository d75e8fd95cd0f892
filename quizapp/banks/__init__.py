"""Question banks: reading YAML safely (yamlsafe), validating it against the bank format
(validate), quality warnings (lint), coverage of the statements (coverage), parallel mock forms
(forms), the dataclasses a validated set is made of (model), and converters from Moodle XML and
GIFT (convert/). Pure: no Flask, no database.
"""
