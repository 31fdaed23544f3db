import { describe, expect, it } from 'vitest'
import {
  EMPTY_PRUNE_STATS,
  formatPruneLines,
  formatSummaryLine,
  type PruneReport,
} from './report.js'

describe('formatSummaryLine', () => {
  it('says "deleted 0 objects" when nothing was deleted', () => {
    expect(formatSummaryLine(EMPTY_PRUNE_STATS)).toBe('Summary: deleted 0 objects')
  })

  it('lists the non-zero counts in oc order', () => {
    expect(
      formatSummaryLine({
        deletedImages: 3,
        deletedImageStreamTagItems: 4,
        updatedImageStreams: 1,
        deletedLayerLinks: 5,
        deletedManifestLinks: 2,
        deletedBlobs: 7,
      })
    ).toBe(
      'Summary: deleted 3 image object(s), deleted 4 image stream tag item(s), updated 1 image stream(s), deleted 5 layer link(s), deleted 2 manifest link(s), deleted 7 blob(s)'
    )
    expect(formatSummaryLine({ ...EMPTY_PRUNE_STATS, deletedBlobs: 1 })).toBe(
      'Summary: deleted 1 blob(s)'
    )
  })
})

describe('formatPruneLines', () => {
  const report: PruneReport = {
    apiVersion: 'imagestreams.io/v1',
    kind: 'ImagePruneReport',
    dryRun: true,
    pruneRegistry: false,
    registryAvailable: true,
    streams: [
      {
        namespace: 'team',
        name: 'app',
        deletedItems: 2,
        deletedTags: [],
        layerLinks: ['sha256:l'],
        manifestLinks: ['sha256:m'],
      },
    ],
    images: ['sha256:i'],
    blobs: ['sha256:b'],
    restoredImages: [],
    skipped: { tagItems: 0, images: [], blobs: [] },
    warnings: [],
    errors: [],
    stats: { ...EMPTY_PRUNE_STATS, deletedImages: 1 },
    startedAt: '',
    finishedAt: '',
  }

  it('prints oc lines stage by stage, then the summary', () => {
    expect(formatPruneLines(report)).toEqual([
      'Only API objects will be removed.  No modifications to the image registry will be made.',
      'Deleting 2 items from image stream team/app',
      'Deleting layer link sha256:l in repository team/app',
      'Deleting manifest link sha256:m in repository team/app',
      'Deleting image sha256:i',
      'Deleting blob sha256:b',
      'Summary: deleted 1 image object(s)',
    ])
  })
})
