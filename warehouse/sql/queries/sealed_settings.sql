-- The settings of a sealed reader (warehouse.db.seal): no file access, the
-- configuration locked, no extension loaded or installed on demand.
SELECT current_setting('enable_external_access'), current_setting('lock_configuration'),
       current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions');
