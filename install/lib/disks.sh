# shellcheck shell=bash
# The data disk: which one, whether it may be formatted, and its mount at BERTH_DATA_DIR by UUID.
#
# Rules (install/README.md): the disk holding / (and /boot) is the boot disk and is never used; loop, optical,
# removable and read-only devices are skipped; a disk with partitions, a filesystem or any other signature is in use
# and is never formatted unless --force-format (and then only after confirmation). Two or more disks: the one empty
# disk becomes the data disk (several empty ones: the operator names one with BERTH_DATA_DISK). One disk: the install
# refuses unless --single-disk, because PostgreSQL's data would share the system's disk. A disk that already carries a
# filesystem labelled berth-data (an earlier install's) is mounted as it is.
#
# Tests drive these rules against loop devices: BERTH_DISK_SCOPE names the only devices to consider (loop devices are
# allowed then) and BERTH_BOOT_DISK stands in for the disk holding /.

BERTH_DATA_LABEL=berth-data
# The tests point this at a file of their own.
BERTH_FSTAB=${BERTH_FSTAB:-/etc/fstab}

# Every whole disk lsblk knows: "PATH TYPE SIZE RM RO" per line (sizes in bytes, -b; -J for a stable parse).
list_block_devices() {
    lsblk -J -b -d -o PATH,TYPE,SIZE,RM,RO | jq -r '.blockdevices[] | "\(.path) \(.type) \(.size) \(.rm) \(.ro)"'
}

# The whole disk under a device (a partition, an LVM volume, a RAID member …), following lsblk's parents.
parent_disk() {
    local dev=$1 parent
    while parent=$(lsblk -n -d -o PKNAME "$dev" 2>/dev/null | head -1) && [ -n "${parent// /}" ]; do
        dev=/dev/${parent// /}
    done
    echo "$dev"
}

# The disk holding /: BERTH_BOOT_DISK when set (tests), otherwise the parent of the device mounted there. A root on
# overlay, tmpfs or a network filesystem (containers, live systems) has no boot disk.
boot_disk() {
    if [ -n "${BERTH_BOOT_DISK:-}" ]; then
        echo "$BERTH_BOOT_DISK"
        return
    fi
    local source
    source=$(findmnt -n -o SOURCE / 2>/dev/null || true)
    source=${source%%[*}
    case "$source" in
        /dev/*) parent_disk "$source" ;;
        *) echo "" ;;
    esac
}

# What is on a device, read by blkid (udev may be absent, so lsblk's FSTYPE can be empty): "filesystem ext4",
# "partition table gpt", another signature, or nothing when the device is blank.
device_signature() {
    local dev=$1 out type pttype
    out=$(blkid -p -o export "$dev" 2>/dev/null || true)
    type=$(sed -n 's/^TYPE=//p' <<<"$out")
    pttype=$(sed -n 's/^PTTYPE=//p' <<<"$out")
    if [ -n "$type" ]; then
        echo "filesystem $type"
    elif [ -n "$pttype" ]; then
        echo "partition table $pttype"
    elif [ -n "$(lsblk -n -o NAME "$dev" 2>/dev/null | tail -n +2)" ]; then
        echo "partitions"
    fi
}

# The label of the filesystem on a device, if any.
device_label() { blkid -p -o value -s LABEL "$1" 2>/dev/null || true; }

device_mounted() { [ -n "$(lsblk -n -o MOUNTPOINT "$1" 2>/dev/null | tr -d ' \n')" ] || grep -q "^$1 " /proc/mounts; }

human_size() { numfmt --to=iec --suffix=B "$1" 2>/dev/null || echo "$1 bytes"; }

in_scope() {
    [ -z "${BERTH_DISK_SCOPE:-}" ] && return 0
    case " $BERTH_DISK_SCOPE " in *" $1 "*) return 0 ;; esac
    return 1
}

# Prints "PATH SIZE STATE" for every disk that could hold data, where STATE is empty, berth (an earlier install's
# filesystem), or what is on it; the boot disk and skipped devices are reported on stderr with the reason.
candidate_disks() {
    local boot path type size rm ro signature
    boot=$(boot_disk)
    while read -r path type size rm ro; do
        in_scope "$path" || continue
        if [ "$path" = "$boot" ]; then
            echo "  $path: the boot disk (holds /), not used" >&2
            continue
        fi
        case "$type" in
            disk) ;;
            loop) [ -n "${BERTH_DISK_SCOPE:-}" ] || { echo "  $path: loop device, skipped" >&2; continue; } ;;
            *) echo "  $path: $type, skipped" >&2; continue ;;
        esac
        if [ "$rm" = true ] || [ "$rm" = 1 ]; then echo "  $path: removable, skipped" >&2; continue; fi
        if [ "$ro" = true ] || [ "$ro" = 1 ]; then echo "  $path: read-only, skipped" >&2; continue; fi
        if [ "$size" -lt $((1024 * 1024 * 64)) ]; then echo "  $path: smaller than 64 MiB, skipped" >&2; continue; fi
        if device_mounted "$path"; then
            echo "  $path: mounted, skipped" >&2
            continue
        fi
        signature=$(device_signature "$path")
        if [ "$signature" = "filesystem ext4" ] || [ "$signature" = "filesystem xfs" ]; then
            [ "$(device_label "$path")" = "$BERTH_DATA_LABEL" ] && signature=berth
        fi
        echo "$path $size ${signature:-empty}"
    done < <(list_block_devices)
}

# Decides the data disk and prints "PATH ACTION" where ACTION is format (empty: make a filesystem) or mount (an
# earlier install's berth-data filesystem, or --force-format's target once confirmed as format), or "none" for
# --single-disk. Dies with the reason when no disk may be used.
choose_data_disk() {
    local single_disk=${1:-0} force_format=${2:-0} candidates path size state empty=() others=() line
    candidates=$(candidate_disks)
    if [ -n "${BERTH_DATA_DISK:-}" ]; then
        line=$(grep "^$BERTH_DATA_DISK " <<<"$candidates" || true)
        [ -n "$line" ] || die "BERTH_DATA_DISK=$BERTH_DATA_DISK cannot be used: it is not a spare disk here (see above)"
        read -r path size state <<<"$line"
        case "$state" in
            berth) echo "$path mount" ;;
            empty) echo "$path format" ;;
            *)
                [ "$force_format" = 1 ] || die "$path holds a $state: Berth never formats a disk in use." \
                    "Pick an empty disk, or erase this one with --force-format (everything on it is lost)"
                echo "$path format"
                ;;
        esac
        return
    fi
    while read -r path size state; do
        [ -n "$path" ] || continue
        case "$state" in
            berth) echo "$path mount"; return ;;
            empty) empty+=("$path ($(human_size "$size"))") ;;
            *) others+=("$path: $state") ;;
        esac
    done <<<"$candidates"
    if [ ${#empty[@]} -eq 1 ]; then
        echo "${empty[0]%% *} format"
    elif [ ${#empty[@]} -gt 1 ]; then
        die "several empty disks: ${empty[*]}. Choose one with BERTH_DATA_DISK=/dev/…"
    elif [ "$single_disk" = 1 ]; then
        echo "none single-disk"
    elif [ ${#others[@]} -gt 0 ]; then
        die "no empty disk for Berth's data; these are in use: ${others[*]}. Add an empty disk, name one to erase" \
            "with BERTH_DATA_DISK=… --force-format, or put the data on the boot disk with --single-disk"
    else
        die "only one disk (the boot disk): Berth keeps PostgreSQL's data on a disk of its own. Add a second disk," \
            "or install on the boot disk anyway with --single-disk (not recommended: a full disk stops the system too)"
    fi
}

# Formats (when asked) and mounts the data disk at DIR by UUID, nodev,nosuid,noexec, with an fstab line.
prepare_data_disk() {
    local dir=$1 fs=$2 single_disk=$3 force_format=$4 choice path action uuid options=defaults,nodev,nosuid,noexec
    if mountpoint -q "$dir" 2>/dev/null; then
        say "data disk: $(findmnt -n -o SOURCE "$dir") is mounted at $dir"
        return
    fi
    local listed
    listed=$(awk -v dir="$dir" '$1 !~ /^#/ && $2 == dir { print $1; exit }' "$BERTH_FSTAB" 2>/dev/null || true)
    if [ -n "$listed" ]; then
        # A data disk that is gone (lost, or replaced by a new one) must not be "fixed" by formatting whatever disk
        # is there now: the operator says the old one is lost by removing its line.
        case "$listed" in
            UUID=*)
                [ -n "$(blkid -c /dev/null -o device -t "$listed" 2>/dev/null)" ] \
                    || die "$BERTH_FSTAB mounts $dir from $listed, but no disk here has that UUID. If the data disk" \
                        "is lost, remove that line (sed -i '\\|^$listed |d' $BERTH_FSTAB) and run the install again" \
                        "with the new disk: docs/runbooks/04-lost-data-disk.md"
                ;;
        esac
        act mount --target "$dir" --fstab "$BERTH_FSTAB"
        return
    fi
    say "disks:"
    choice=$(choose_data_disk "$single_disk" "$force_format") || exit 1
    read -r path action <<<"$choice"
    if [ "$path" = none ]; then
        warn "--single-disk: Berth's data stays on the boot disk under $dir"
        put_dir "$dir" 0755 root:root
        return
    fi
    if [ "$action" = format ]; then
        local state
        state=$(device_signature "$path")
        if [ -n "$state" ]; then
            confirm "ERASE $path ($state) and format it $fs for Berth's data? Everything on it is lost" \
                || die "not formatting $path"
            act wipefs -a "$path"
        else
            confirm "Format the empty disk $path as $fs for Berth's data?" || die "not formatting $path"
        fi
        case "$fs" in
            ext4) act mkfs.ext4 -q -L "$BERTH_DATA_LABEL" "$path" ;;
            xfs) act mkfs.xfs -q -L "$BERTH_DATA_LABEL" "$path" ;;
            *) die "--fs: ext4 or xfs" ;;
        esac
    else
        say "data disk: $path already holds Berth's data (label $BERTH_DATA_LABEL): mounting it as it is"
    fi
    if dry; then
        uuid="<uuid of $path>"
    else
        uuid=$(blkid -p -o value -s UUID "$path")
        [ -n "$uuid" ] || die "$path has no filesystem UUID after formatting"
    fi
    put_dir "$dir" 0755 root:root
    changed
    if dry; then
        printf 'would add to %s: UUID=%s %s %s %s 0 2\n' "$BERTH_FSTAB" "$uuid" "$dir" "$fs" "$options"
    else
        printf 'UUID=%s %s %s %s 0 2\n' "$uuid" "$dir" "$(blkid -p -o value -s TYPE "$path")" "$options" >>"$BERTH_FSTAB"
        printf 'added to %s: UUID=%s %s\n' "$BERTH_FSTAB" "$uuid" "$dir"
    fi
    act mount --target "$dir" --fstab "$BERTH_FSTAB"
    [ -z "$(command -v systemctl)" ] || dry || systemctl daemon-reload 2>/dev/null || true
}
