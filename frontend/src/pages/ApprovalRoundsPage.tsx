export function ApprovalRoundsPage() {
  return null;
}
