"""Occupation and skill classifications (ESCO, ISCO-08, O*NET-SOC, SOC, national schemes) and crosswalks."""
