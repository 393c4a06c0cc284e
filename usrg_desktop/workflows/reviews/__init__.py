"""Review and scoring: assignments, rubrics, review packets, scores files and ranking."""
