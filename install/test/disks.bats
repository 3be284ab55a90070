#!/usr/bin/env bats
# The installer's data-disk rules against real block devices: sparse files attached as loop devices (losetup),
# partitioned with sfdisk and formatted with mkfs like real disks. BERTH_DISK_SCOPE limits the installer to these
# devices and BERTH_BOOT_DISK makes the first one stand in for the disk holding /. Needs root.

setup_file() {
    export WORK
    WORK=$(mktemp -d /var/tmp/berth-disks.XXXXXX)
    local i
    for i in 0 1 2 3; do
        truncate -s 512M "$WORK/disk$i.img"
        losetup -f --show "$WORK/disk$i.img" >"$WORK/dev$i"
    done
}

teardown_file() {
    local i
    umount "$WORK/mnt" 2>/dev/null || true
    for i in 0 1 2 3; do
        [ -f "$WORK/dev$i" ] && losetup -d "$(cat "$WORK/dev$i")" 2>/dev/null || true
    done
    rm -rf "$WORK"
}

setup() {
    BOOT=$(cat "$WORK/dev0")
    A=$(cat "$WORK/dev1")
    B=$(cat "$WORK/dev2")
    C=$(cat "$WORK/dev3")
    local dev
    for dev in "$A" "$B" "$C"; do
        umount "$dev" 2>/dev/null || true
        wipefs -a -q "$dev"
    done
    export BERTH_BOOT_DISK=$BOOT BERTH_FSTAB=$WORK/fstab
    unset BERTH_DATA_DISK
    : >"$BERTH_FSTAB"
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

rules() {
    # A fresh shell per call: the library dies (exit 1) on refusal, as the installer does.
    bash -c '. "$0/install/lib/common.sh"; . "$0/install/lib/disks.sh"; '"$1" "$ROOT"
}

checksum() { head -c 4M "$1" | sha256sum | cut -d' ' -f1; }

@test "one disk (the boot disk) is refused with the reason and the way out" {
    export BERTH_DISK_SCOPE="$BOOT"
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 1 ]
    [[ "$output" == *"$BOOT: the boot disk (holds /), not used"* ]]
    [[ "$output" == *"only one disk"*"--single-disk"* ]]
}

@test "one disk with --single-disk keeps the data on the boot disk" {
    export BERTH_DISK_SCOPE="$BOOT"
    run rules 'choose_data_disk 1 0'
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "none single-disk" ]
}

@test "two disks: the empty one is chosen for formatting" {
    export BERTH_DISK_SCOPE="$BOOT $A"
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "$A format" ]
}

@test "a disk with a filesystem is skipped in favour of the empty one" {
    mkfs.ext4 -q -L photos "$A"
    export BERTH_DISK_SCOPE="$BOOT $B" # A is gone from the host; B is the new disk
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "$B format" ]
}

@test "a disk with a partition table and no filesystem counts as in use" {
    printf 'label: gpt\n,64M\n' | sfdisk -q "$A"
    export BERTH_DISK_SCOPE="$BOOT $A"
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 1 ]
    [[ "$output" == *"no empty disk"*"$A: partition table gpt"* ]]
}

@test "a disk holding a filesystem is never formatted, even when named, and is left byte for byte as it was" {
    mkfs.ext4 -q -L photos "$A"
    local before
    before=$(checksum "$A")
    export BERTH_DISK_SCOPE="$BOOT $A" BERTH_DATA_DISK=$A
    run rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 1 ]
    [[ "$output" == *"$A holds a filesystem ext4: Berth never formats a disk in use"* ]]
    [ "$(checksum "$A")" = "$before" ]
    [ "$(blkid -p -o value -s LABEL "$A")" = photos ]
    [ ! -s "$BERTH_FSTAB" ]
    ! mountpoint -q "$WORK/mnt"
}

@test "several empty disks: the operator must name one" {
    export BERTH_DISK_SCOPE="$BOOT $A $B"
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 1 ]
    [[ "$output" == *"several empty disks"*"BERTH_DATA_DISK"* ]]
}

@test "BERTH_DATA_DISK is honoured among several empty disks" {
    export BERTH_DISK_SCOPE="$BOOT $A $B $C" BERTH_DATA_DISK=$C
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "$C format" ]
}

@test "BERTH_DATA_DISK naming the boot disk is refused" {
    export BERTH_DISK_SCOPE="$BOOT $A" BERTH_DATA_DISK=$BOOT
    run rules 'choose_data_disk 0 0'
    [ "$status" -eq 1 ]
    [[ "$output" == *"BERTH_DATA_DISK=$BOOT cannot be used"* ]]
}

@test "the chosen disk is formatted ext4, mounted nodev,nosuid,noexec by UUID, and a rerun changes nothing" {
    export BERTH_DISK_SCOPE="$BOOT $A"
    run rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 0 ]
    local uuid
    uuid=$(blkid -p -o value -s UUID "$A")
    [ -n "$uuid" ]
    [ "$(blkid -p -o value -s LABEL "$A")" = berth-data ]
    grep -qx "UUID=$uuid $WORK/mnt ext4 defaults,nodev,nosuid,noexec 0 2" "$BERTH_FSTAB"
    [ "$(findmnt -n -o SOURCE "$WORK/mnt")" = "$A" ]
    [[ "$(findmnt -n -o OPTIONS "$WORK/mnt")" == *nosuid,nodev,noexec* ]]
    run rules "prepare_data_disk '$WORK/mnt' ext4 0 0; echo changes=\$BERTH_CHANGES"
    [ "$status" -eq 0 ]
    [[ "$output" == *"is mounted at $WORK/mnt"* ]]
    [ "${lines[-1]}" = changes=0 ]
    [ "$(wc -l <"$BERTH_FSTAB")" -eq 1 ]
    umount "$WORK/mnt"
}

@test "after a reboot the fstab line mounts the disk again without formatting it" {
    export BERTH_DISK_SCOPE="$BOOT $A"
    rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    echo kept >"$WORK/mnt/marker"
    umount "$WORK/mnt"
    run rules "prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 0 ]
    [ "$(cat "$WORK/mnt/marker")" = kept ]
    umount "$WORK/mnt"
}

@test "a lost data disk (its UUID gone from fstab's line) is refused with the runbook; the new empty disk is untouched" {
    export BERTH_DISK_SCOPE="$BOOT $A"
    rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    umount "$WORK/mnt"
    export BERTH_DISK_SCOPE="$BOOT $A $B"
    wipefs -a -q "$A" # the data disk is lost (its UUID with it)
    run rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -ne 0 ]
    [[ "$output" == *"no disk here has that UUID"* ]]
    [[ "$output" == *"04-lost-data-disk.md"* ]]
    [ -z "$(blkid -p -o value -s TYPE "$B" || true)" ]
    ! mountpoint -q "$WORK/mnt"
    # The runbook's step: remove the old line (the command the message gives), then the install takes B.
    eval "$(grep -o "sed -i '[^']*' [^ )]*" <<<"$output")"
    [ ! -s "$BERTH_FSTAB" ]
    export BERTH_DISK_SCOPE="$BOOT $B" # A is gone from the host; B is the new disk
    run rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 0 ]
    [ "$(findmnt -n -o SOURCE "$WORK/mnt")" = "$B" ]
    umount "$WORK/mnt"
}

@test "a disk an earlier install formatted (label berth-data) is mounted as it is, data kept" {
    mkfs.xfs -q -L berth-data "$A"
    mkdir -p "$WORK/probe" && mount "$A" "$WORK/probe" && echo earlier >"$WORK/probe/marker" && umount "$WORK/probe"
    export BERTH_DISK_SCOPE="$BOOT $A"
    run rules "prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 0 ]
    [[ "$output" == *"already holds Berth's data"* ]]
    [ "$(cat "$WORK/mnt/marker")" = earlier ]
    grep -q " $WORK/mnt xfs defaults,nodev,nosuid,noexec " "$BERTH_FSTAB"
    umount "$WORK/mnt"
}

@test "--force-format erases a named disk in use only with --yes or a typed yes, and says what it erases" {
    mkfs.ext4 -q -L old "$A"
    export BERTH_DISK_SCOPE="$BOOT $A" BERTH_DATA_DISK=$A
    run rules "prepare_data_disk '$WORK/mnt' ext4 0 1 </dev/null"
    [ "$status" -eq 1 ]
    [[ "$output" == *"ERASE $A (filesystem ext4)"*"run again with --yes"* ]]
    [ "$(blkid -p -o value -s LABEL "$A")" = old ]
    run rules "BERTH_ASSUME_YES=1 prepare_data_disk '$WORK/mnt' xfs 0 1"
    [ "$status" -eq 0 ]
    [ "$(blkid -p -o value -s TYPE "$A")" = xfs ]
    [ "$(blkid -p -o value -s LABEL "$A")" = berth-data ]
    umount "$WORK/mnt"
}

@test "a dry run prints the format and the fstab line and touches nothing" {
    export BERTH_DISK_SCOPE="$BOOT $A"
    run rules "BERTH_DRY_RUN=1 prepare_data_disk '$WORK/mnt' ext4 0 0"
    [ "$status" -eq 0 ]
    [[ "$output" == *"would run: mkfs.ext4 -q -L berth-data $A"* ]]
    [[ "$output" == *"would add to $BERTH_FSTAB: UUID=<uuid of $A> $WORK/mnt ext4 defaults,nodev,nosuid,noexec 0 2"* ]]
    [ -z "$(blkid -p -o value -s TYPE "$A")" ]
    [ ! -s "$BERTH_FSTAB" ]
}
