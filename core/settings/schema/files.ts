/** Configuration of file storage and uploads (owned by core/files). */
import type convict from 'convict';

export interface FilesConfig {
  files: { maxUploadBytes: number };
}

export const filesSchema: convict.Schema<FilesConfig> = {
  files: {
    maxUploadBytes: { doc: 'Largest accepted upload in bytes.', format: 'nat', default: 1024 * 1024 * 1024 },
  },
};
