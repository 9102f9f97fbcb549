# Shared by the rehearsal stand-ins: they keep their state under .rehearsal/ so a drill leaves
# visible traces (frozen flag, DNS answer, synced marker) that the rollback really undoes.
STATE_DIR="${REHEARSAL_STATE_DIR:-.rehearsal}"
mkdir -p "$STATE_DIR"
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
