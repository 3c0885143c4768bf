/// The audit pipeline; see DESIGN.md, "Verify".
enum VerifyModule {}
