export * from './card-core';
