// Ingest: an attachment or a web link to the text of a corpus article, guarded and capped.
export { classifyAddress, isAllowListed, type AddressVerdict } from './address.ts';
export { fetchGuarded, parseContentType, DEFAULT_MAX_REDIRECTS, type FetchPolicy, type FetchResult } from './fetch.ts';
export { binaryProblem, decodeText, mediaTypeProblem, type DocumentFormat } from './content.ts';
export { extractArticle, articleText, type ExtractedArticle, type Extraction } from './extract.ts';
export { articleFileName, slugify, type SavedExtension } from './filename.ts';
export { prepareArticle, MAX_URL_LENGTH, type IngestLimits, type IngestSource, type Prepared } from './prepare.ts';
