"""Reading a Dutch question: danger, injection, domain, kind of question and Meldcode step."""
