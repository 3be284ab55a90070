-- A dedicated instance on Kubernetes: the namespace its StatefulSet, Services and Secret are in (null: on Podman).
-- container is then the StatefulSet's name, container_id "namespace/name", volume the claim template's PVC,
-- secret the Kubernetes Secret holding the admin password.
ALTER TABLE instance_containers ADD COLUMN namespace text;
