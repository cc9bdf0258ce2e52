import {
  Aim,
  Calendar,
  DataLine,
  Document,
  Files,
  Histogram,
  House,
  Location,
  MapLocation,
  Menu,
  Reading,
  Setting,
  Shop,
  Tickets,
  TrendCharts,
  Trophy,
  User,
  Van,
  VideoCamera,
} from '@element-plus/icons-vue';
import type { Component } from 'vue';

/**
 * The icons a route may name in `meta.icon` (Element Plus names, kebab-case). Only these are
 * bundled; a name not listed here shows the generic menu icon.
 */
const ICONS: Record<string, Component> = {
  aim: Aim,
  calendar: Calendar,
  'data-line': DataLine,
  document: Document,
  files: Files,
  histogram: Histogram,
  house: House,
  location: Location,
  'map-location': MapLocation,
  reading: Reading,
  setting: Setting,
  shop: Shop,
  tickets: Tickets,
  'trend-charts': TrendCharts,
  trophy: Trophy,
  user: User,
  van: Van,
  'video-camera': VideoCamera,
};

export function menuIcon(name: string | undefined): Component {
  return (name && ICONS[name]) || Menu;
}
