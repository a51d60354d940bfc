"""Funder tables: statistical confidentiality, labels, targets, vintage, and the CSV /
XLSX / Parquet downloads (read from marts.indicateurs_publies only)."""
