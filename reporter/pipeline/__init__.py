"""The pipeline that runs the stages in order: validate → score → write files → record history."""
