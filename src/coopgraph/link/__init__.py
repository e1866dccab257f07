"""Linking to external reference data: French collectivités (COG), countries, SDG targets, DAC sectors."""
