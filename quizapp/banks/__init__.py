"""Question banks: the bank format declared once (bank_format; schema writes the editors' JSON
Schema from it), reading YAML safely (yamlsafe, with yaml_events,
located, yaml_errors and yaml_tabs), validating it against the format (validate/), quality
warnings (lint), coverage of the statements (coverage), parallel mock forms (forms), the
dataclasses a validated set is made of (model), and converters from Moodle XML and GIFT
(convert/). Pure: no Flask, no database.
"""
