// One photo's tile: thumbnail (or type badge), its state on the picture, name, note
// and an × corner. It only renders and reports taps; the page decides what a tap
// does (events carry the tile's id): tap, long-press (hold), the corner, and the
// 暂停 / 继续 button of a file in parts (action).
import type { CardView } from '../../shared/ui/index';
import type { CardLabels } from '../../shared/ui/index';

export type { CardLabels };

export type CardAction = 'tile' | 'hold' | 'corner' | 'action';

Component({
  properties: {
    card: { type: Object, value: {} as CardView },
    labels: { type: Object, value: {} as CardLabels },
  },
  methods: {
    emit(action: CardAction) {
      const card = this.data.card as CardView;
      this.triggerEvent(action, { id: card.id });
    },
    onTap() {
      this.emit('tile');
    },
    onHold() {
      this.emit('hold');
    },
    onCorner() {
      this.emit('corner');
    },
    onAction() {
      this.emit('action');
    },
  },
});
