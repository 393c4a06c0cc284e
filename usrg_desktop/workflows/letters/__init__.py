"""Letters: kinds, templates, the letterhead and signatory, issuing, the register and batches."""
