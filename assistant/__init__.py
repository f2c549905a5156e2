"""ViA-assistent: cited answers for professionals on Veiligheid in Afhankelijkheidsrelaties."""
